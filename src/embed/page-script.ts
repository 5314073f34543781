/**
 * The countdown page's script, in the browser. Bundled inline into the page (page-bundle.ts)
 * together with what it imports — the same countdown, state and deadline code the server
 * draws the first frame with — so that the page and the server cannot disagree.
 *
 * It ticks every second from the server's `due_at`, corrected for clock skew (the server's
 * `now` against the browser's clock); reads `<path>.json` right after load, then every 30 s
 * and when the tab comes back (backing off on errors), and announces state changes in a
 * polite live region; a link withdrawn meanwhile (410) is said once, and reading stops. The
 * page may come from the browser's cache after a 304 (its ETag ignores the clock), so its own
 * `now` can be old: every read is `no-store`, and the skew is reset from the fresh `now`.
 */
import { isUtc } from '../time/utc.js';
import { ANNOUNCEMENTS, frame, isFinal, type CountdownFields } from './countdown.js';

/** What the page embeds as JSON (embed/page.ts), and what `.json` updates. */
interface Data extends CountdownFields {
  title: string;
  now: string;
  tracked: boolean;
  /** Seconds between reads (tests make it short). */
  poll?: number;
}

type Element_ = HTMLElement & { _v?: string };

function start(): void {
  const d = document;
  const byId = (id: string) => d.getElementById(id) as Element_;
  const data = JSON.parse(byId('gd-data').textContent ?? '{}') as Data;
  const main = byId('gd');
  let skew = Date.parse(data.now) - Date.now();
  let last: string | null = null;
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let busy = false;
  let lastPoll = 0;
  let stopped = false;
  const base = Math.max(1, data.poll ?? 30) * 1000;
  const url = location.pathname.replace(/\/$/, '') + '.json';
  const now = () => Date.now() + skew;

  /** Writes only what changed (so that screen readers and layout stay quiet). */
  const put = (id: string, value: string, html = false) => {
    const e = byId(id);
    if (e._v === value) return;
    e._v = value;
    if (html) e.innerHTML = value;
    else e.textContent = value;
  };

  const tick = () => {
    const n = now();
    const f = frame(data, n);
    put('gd-big', f.big, true);
    put('gd-cap', f.cap);
    put('gd-pill', f.label);
    if (main.getAttribute('data-state') !== f.state) main.setAttribute('data-state', f.state);
    const said = ANNOUNCEMENTS[f.state];
    if (last && f.state !== last && said) put('gd-live', `${said}: ${data.title}`);
    last = f.state;
    clearTimeout(tickTimer);
    if (!isFinal(f.state)) tickTimer = setTimeout(tick, 1000 - (n % 1000) + 15);
  };

  /** The deadline in the goal's zone (after a move) and in the reader's own. */
  const when = (moved: boolean) => {
    const due = new Date(data.due_at);
    try {
      if (moved) {
        const f = frame(data, now());
        put('gd-zt', f.time);
        put('gd-zn', f.zone);
        byId('gd-due').setAttribute('datetime', data.due_at);
      }
      const local = new Intl.DateTimeFormat(undefined, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
      const zone = local.resolvedOptions().timeZone;
      byId('gd-local').hidden = zone === data.timezone || (isUtc(zone) && isUtc(data.timezone));
      put('gd-lt', local.format(due));
      byId('gd-lt').setAttribute('datetime', data.due_at);
    } catch {
      /* an unknown zone in this browser: the server's words stay */
    }
  };

  const schedule = (ms: number) => {
    clearTimeout(pollTimer);
    if (!stopped) pollTimer = setTimeout(poll, ms);
  };

  const apply = (j: Partial<Data> | null) => {
    if (!j || typeof j.due_at !== 'string' || typeof j.status !== 'string') return;
    const moved = j.due_at !== data.due_at || j.timezone !== data.timezone;
    data.status = j.status;
    data.due_at = j.due_at;
    data.completed_at = j.completed_at ?? null;
    if (typeof j.timezone === 'string') data.timezone = j.timezone;
    if (typeof j.title === 'string' && j.title !== data.title) {
      data.title = j.title;
      byId('gd-title').textContent = j.title;
      d.title = `${j.title} \u00b7 GitDone`;
    }
    if (typeof j.tracked === 'boolean') byId('gd-note').hidden = j.tracked;
    if (j.now && !Number.isNaN(Date.parse(j.now))) skew = Date.parse(j.now) - Date.now();
    if (moved) when(true);
    tick();
  };

  /** The link was withdrawn (410): say so, and read no more. */
  const gone = () => {
    stopped = true;
    put('gd-note', 'This link was withdrawn');
    byId('gd-note').hidden = false;
  };

  function poll(): void {
    if (d.hidden || busy || stopped) return;
    busy = true;
    lastPoll = Date.now();
    fetch(url, { cache: 'no-store', credentials: 'omit', headers: { accept: 'application/json' } })
      .then<number | Partial<Data>>((r) => {
        if (r.status === 410) return 410;
        if (!r.ok) throw new Error(String(r.status));
        return r.json() as Promise<Partial<Data>>;
      })
      .then(
        (j) => {
          busy = false;
          if (typeof j === 'number') return gone();
          failures = 0;
          apply(j);
          schedule(last && isFinal(last as never) ? base * 10 : base);
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
  tick();
  when(false);
  poll();
}

// Outside a page (the test that the shipped bundle draws what the server draws,
// test/unit/embed/page-agreement.test.ts), it only hands over its frame().
if (typeof document !== 'undefined') start();
else (globalThis as { GitDonePage?: unknown }).GitDonePage = { frame };
