/**
 * The board's script, in the browser. Bundled inline into the board (page-bundle.ts) with what
 * it imports — the same rows, countdown and wording the server draws the board with.
 *
 * Like the countdown page's script (page-script.ts): it ticks every second from each goal's
 * `due_at`, corrected for clock skew against the server's `now`; it reads `<path>.json`
 * right after load, then every 30 s and when the tab comes back (backing off on errors),
 * with `no-store`, so a page from the cache is corrected at once. When the goals change (a
 * new one, a move, a completion), it redraws the lists; a state change is announced in a
 * polite live region. A withdrawn or unknown board (410, 404) stops it and says so.
 */
import { moreText, rowHtml, split, summary, type RowFields } from './board-rows.js';
import { ANNOUNCEMENTS, frame, isFinal } from './countdown.js';

interface Row extends RowFields {
  keyword: string;
  created_at: string;
}

interface Data {
  repository: { name: string; url: string; tracked: boolean };
  goals: Row[];
  active_total: number;
  now: string;
  poll?: number;
}

type Element_ = HTMLElement & { _v?: string };

function start(): void {
  const d = document;
  const byId = (id: string) => d.getElementById(id) as Element_;
  let data = JSON.parse(byId('gd-data').textContent ?? '{}') as Data;
  let skew = Date.parse(data.now) - Date.now();
  let rows: Element_[] = [];
  const states = new Map<string, string>();
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let busy = false;
  let lastPoll = 0;
  let stopped = false;
  const base = Math.max(1, data.poll ?? 30) * 1000;
  const url = location.pathname.replace(/\/$/, '') + '.json';
  const now = () => Date.now() + skew;
  const key = (g: Row) => `${g.issue}\u0000${g.created_at}\u0000${g.keyword}`;
  /** What the lists are drawn from: when it changes, they are drawn again. */
  const shape = (x: Data) =>
    JSON.stringify([x.repository, x.active_total, x.goals.map((g) => [key(g), g.title, g.issue_url, g.status, g.due_at, g.completed_at, g.timezone])]);
  let drawn = shape(data);

  /** Writes only what changed (so that screen readers and layout stay quiet). */
  const put = (e: Element_ | null, value: string, html = false) => {
    if (!e || e._v === value) return;
    e._v = value;
    if (html) e.innerHTML = value;
    else e.textContent = value;
  };

  const collect = () => {
    rows = Array.from(d.querySelectorAll<Element_>('#gd-active > li, #gd-done > li'));
  };

  /** The lists from `data`, as the server draws them (embed/board-rows.ts). */
  const draw = () => {
    const n = now();
    const { active, finished } = split(data.goals);
    byId('gd-active').innerHTML = active.map((g) => rowHtml(g, n)).join('');
    byId('gd-active').hidden = active.length === 0;
    byId('gd-empty').hidden = active.length > 0;
    byId('gd-done').innerHTML = finished.map((g) => rowHtml(g, n)).join('');
    byId('gd-fs').hidden = finished.length === 0;
    const more = moreText(data.active_total, active.length);
    put(byId('gd-more'), more);
    byId('gd-more').hidden = !more;
    byId('gd-note').hidden = data.repository.tracked;
    collect();
  };

  const tick = () => {
    const n = now();
    let running = false;
    // The lists hold the active goals, then the finished ones: the order of data.goals.
    const ordered = [...split(data.goals).active, ...split(data.goals).finished];
    ordered.forEach((g, i) => {
      const li = rows[i];
      if (!li) return;
      const f = frame(g, n);
      if (li.getAttribute('data-state') !== f.state) li.setAttribute('data-state', f.state);
      put(li.querySelector<Element_>('.pill'), f.label);
      put(li.querySelector<Element_>('.big'), f.big, true);
      put(li.querySelector<Element_>('.cap'), f.cap);
      const k = key(g);
      const was = states.get(k);
      const said = ANNOUNCEMENTS[f.state];
      if (was && was !== f.state && said) put(byId('gd-live'), `${said}: ${g.title}`);
      states.set(k, f.state);
      if (!isFinal(f.state)) running = true;
    });
    put(byId('gd-sum'), summary(data.goals, data.active_total, n));
    clearTimeout(tickTimer);
    if (running && !stopped) tickTimer = setTimeout(tick, 1000 - (n % 1000) + 15);
  };

  const schedule = (ms: number) => {
    clearTimeout(pollTimer);
    if (!stopped) pollTimer = setTimeout(poll, ms);
  };

  const apply = (j: Partial<Data> | null) => {
    if (!j || !Array.isArray(j.goals) || typeof j.now !== 'string' || !j.repository) return;
    if (!Number.isNaN(Date.parse(j.now))) skew = Date.parse(j.now) - Date.now();
    data = { repository: j.repository, goals: j.goals as Row[], active_total: Number(j.active_total) || 0, now: j.now, poll: data.poll };
    const next = shape(data);
    if (next !== drawn) {
      drawn = next;
      draw();
    }
    tick();
  };

  /** The link was withdrawn (410) or never existed (404): nothing more to read. */
  const gone = (status: number) => {
    stopped = true;
    clearTimeout(tickTimer);
    clearTimeout(pollTimer);
    for (const id of ['gd-as', 'gd-fs']) byId(id).hidden = true;
    put(byId('gd-sum'), '');
    const note = byId('gd-note');
    put(note, status === 410 ? "This board's link was withdrawn." : 'This board does not exist.');
    note.hidden = false;
    put(byId('gd-live'), note.textContent ?? '');
  };

  // The same reading loop as page-script.ts. Not shared: the countdown page's inline script has
  // a 14 KB budget with the page, and a shared function's parameters took it over (tried).
  function poll(): void {
    if (d.hidden || busy || stopped) return;
    busy = true;
    lastPoll = Date.now();
    fetch(url, { cache: 'no-store', credentials: 'omit', headers: { accept: 'application/json' } })
      .then<number | Partial<Data>>((r) => {
        if (r.status === 410 || r.status === 404) return r.status;
        if (!r.ok) throw new Error(String(r.status));
        return r.json() as Promise<Partial<Data>>;
      })
      .then(
        (j: number | Partial<Data>) => {
          busy = false;
          if (typeof j === 'number') return gone(j);
          failures = 0;
          apply(j);
          schedule(base);
        },
        () => {
          busy = false;
          failures++;
          schedule(Math.min(base * 2 ** failures, 600_000));
        },
      );
  }

  const wake = () => {
    if (!d.hidden && Date.now() - lastPoll > 1000) {
      tick();
      poll();
    }
  };
  d.addEventListener('visibilitychange', wake);
  addEventListener('focus', wake);
  collect();
  tick();
  poll();
}

// Outside a page (test/unit/embed/board-agreement.test.ts), it only hands over what it draws with.
if (typeof document !== 'undefined') start();
else (globalThis as { GitDoneBoard?: unknown }).GitDoneBoard = { rowHtml, summary };
