/**
 * The playground page's one script, as text (the CSP allows it by hash; page.ts). It polls
 * `/playground/state` (every 2 s, every half second for a while after an action), redraws
 * the thread when its version changes, reloads the embed when GitDone has said something new,
 * and sends the actions as JSON. Everything user-written reaches the DOM as text; only the
 * comments' HTML, rendered and restricted on the server (markdown.ts), goes in as HTML.
 */
export const PLAYGROUND_SCRIPT = `
(() => {
'use strict';
const d = document, $ = (id) => d.getElementById(id);
const EMOJI = { '+1': '\u{1F44D}', '-1': '\u{1F44E}', laugh: '\u{1F604}', confused: '\u{1F615}', heart: '\u2764\uFE0F', hooray: '\u{1F389}', rocket: '\u{1F680}', eyes: '\u{1F440}' };
let drawn = new Map(), version = -1, embedPath = null, botSaid = 0, state = null, busy = false, fastUntil = 0, timer = 0;

const el = (tag, cls, text) => {
  const e = d.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
};
const me = () => $('author').value.trim() || 'alice';
const initials = (n) => {
  const parts = n.split('-').filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts[1][0] : n.slice(0, 2)).toUpperCase();
};
const colour = (n) => {
  let h = 0;
  for (const ch of n.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 'c' + (h % 8);
};
const ago = (iso) => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return s + ' seconds ago';
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? 'a minute ago' : m + ' minutes ago';
  const h = Math.round(m / 60);
  return h === 1 ? 'an hour ago' : h + ' hours ago';
};
const time = (iso) => {
  const t = el('time', null, ago(iso));
  t.dateTime = iso;
  t.title = new Date(iso).toLocaleString();
  return t;
};
const avatar = (name, bot) => {
  const a = el('div', 'av ' + (bot ? 'bot' : colour(name)), bot ? 'GD' : initials(name));
  a.setAttribute('aria-hidden', 'true');
  return a;
};

function comment(c, verb) {
  const li = el('li', 'item' + (!c.bot && c.author === me() ? ' mine' : ''));
  li.dataset.kind = 'comment';
  li.dataset.author = c.author;
  if (c.bot) li.dataset.bot = 'true';
  li.append(avatar(c.author, c.bot));
  const box = el('div', 'box'), head = el('div', 'bh'), body = el('div', 'md');
  head.append(el('b', null, c.author));
  if (c.bot) head.append(el('span', 'label', 'bot'));
  else if (c.role) head.append(el('span', 'label', c.role));
  head.append(el('span', null, verb), time(c.at));
  body.innerHTML = c.html;
  for (const a of body.querySelectorAll('a[href]')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  box.append(head, body);
  const kinds = Object.keys(c.reactions || {});
  if (kinds.length) {
    const row = el('div', 'reacts');
    for (const k of kinds) {
      const r = el('span', 'react');
      r.dataset.content = k;
      r.title = k + ' by gitdone';
      r.setAttribute('aria-label', k + ' reaction by gitdone');
      r.append(EMOJI[k] || k, el('b', null, String(c.reactions[k])));
      row.append(r);
    }
    box.append(row);
  }
  li.append(box);
  return li;
}

function event(e) {
  const li = el('li', 'ev');
  li.dataset.kind = e.kind;
  const icon = el('span', 'evi' + (e.kind === 'closed' ? ' done' : ''), e.kind === 'push' ? '\u2191' : e.kind === 'closed' ? '\u2713' : '\u21BB');
  icon.setAttribute('aria-hidden', 'true');
  const text = el('span');
  text.append(el('b', null, e.author));
  if (e.kind === 'push') {
    text.append(' pushed ', el('code', null, e.sha.slice(0, 7)), ' to ', el('code', null, e.branch), ': ' + e.message.split('\\n')[0] + ' \u00b7 ');
  } else {
    text.append(e.kind === 'closed' ? ' closed this as completed \u00b7 ' : ' reopened this \u00b7 ');
  }
  text.append(time(e.at));
  li.append(icon, text);
  return li;
}

function render(s) {
  state = s;
  $('title').textContent = s.issue.title;
  $('number').textContent = '#' + s.issue.number;
  const closed = s.issue.state === 'closed';
  $('state').textContent = closed ? 'Closed' : 'Open';
  $('state').classList.toggle('closed', closed);
  const comments = s.items.filter((i) => i.kind === 'comment').length;
  $('meta').textContent = s.issue.author + ' opened this issue in ' + s.repo + ' \u00b7 ' + comments + (comments === 1 ? ' comment' : ' comments');
  $('close').textContent = closed ? 'Reopen issue' : 'Close issue';
  // Drawn once each and kept (a <details> someone opened stays open): comments never change
  // here but for their reactions, which are part of the key.
  const kept = new Map();
  const draw = (key, make) => {
    const node = drawn.get(key) || make();
    kept.set(key, node);
    return node;
  };
  const reacted = (r) => Object.keys(r || {}).join(',');
  const items = [draw('o:' + reacted(s.issue.reactions), () => comment({ author: s.issue.author, bot: false, role: 'owner', at: s.issue.at, html: s.issue.html, reactions: s.issue.reactions }, 'opened this issue'))];
  for (const i of s.items) {
    items.push(i.kind === 'comment' ? draw('c:' + i.id + ':' + reacted(i.reactions), () => comment(i, 'commented')) : draw('e:' + i.kind + i.at, () => event(i)));
  }
  drawn = kept;
  $('items').replaceChildren(...items);

  const said = s.items.filter((i) => i.kind === 'comment' && i.bot).length;
  const frame = $('embed');
  if (s.embed && s.embed !== embedPath) {
    embedPath = s.embed;
    frame.src = s.embed;
    frame.hidden = false;
    $('embed-empty').hidden = true;
  } else if (s.embed && said > botSaid) {
    // GitDone said something new: the goal may have changed. The embed would notice within
    // its own 30 s poll; the playground shows it at once.
    frame.contentWindow.location.replace(s.embed);
  }
  botSaid = said;

  const list = s.deliveries.map((dl) => {
    const li = el('li');
    const ok = dl.status >= 200 && dl.status < 300;
    li.append(el('span', 'st' + (ok ? '' : ' bad'), dl.status ? String(dl.status) : 'failed'), el('code', null, dl.event), el('span', null, dl.ms + ' ms'));
    li.title = 'delivery ' + dl.id + (dl.error ? ': ' + dl.error : '');
    return li;
  });
  $('deliveries').replaceChildren(...(list.length ? list : [el('li', null, 'None yet.')]));
}

function poll() {
  clearTimeout(timer);
  fetch('/playground/state', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
    .then((s) => {
      if (s.version !== version) {
        version = s.version;
        render(s);
      }
      timer = setTimeout(poll, Date.now() < fastUntil ? 500 : 2000);
    })
    .catch(() => {
      note('The playground is not answering (was it stopped?). Trying again\u2026', true);
      timer = setTimeout(poll, 3000);
    });
}

function note(text, bad) {
  $('note').textContent = text;
  $('note').classList.toggle('bad', Boolean(bad));
}

function act(path, body, done) {
  if (busy) return;
  busy = true;
  for (const b of d.querySelectorAll('button')) b.disabled = true;
  note('Sending\u2026');
  fetch('/playground/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then((r) => r.json())
    .then((j) => {
      if (j.problem) return note(j.problem, true);
      const dl = j.delivery;
      if (dl.status >= 200 && dl.status < 300) {
        note('Sent ' + dl.event + ' to GitDone (' + dl.status + ', ' + dl.ms + ' ms). Its answer comes from its job queue.');
        if (done) done();
      } else {
        note('Sent ' + dl.event + ': GitDone answered ' + (dl.status || dl.error), true);
      }
    })
    .catch(() => note('The playground is not answering.', true))
    .finally(() => {
      busy = false;
      for (const b of d.querySelectorAll('button')) b.disabled = false;
      fastUntil = Date.now() + 20000;
      poll();
    });
}

function identity() {
  const name = me();
  $('me').textContent = initials(name);
  $('me').className = 'av ' + colour(name);
  $('me-name').textContent = name;
  $('me-role').textContent = $('role').value;
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('body').value;
  if (!text.trim()) return note('Type a comment first, or pick an example below the box.', true);
  act('comment', { author: me(), role: $('role').value, body: text }, () => ($('body').value = ''));
});
$('body').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('composer').requestSubmit();
});
for (const chip of d.querySelectorAll('.chip')) {
  chip.addEventListener('click', () => {
    $('body').value = chip.dataset.text;
    $('body').focus();
  });
}
$('close').addEventListener('click', () => act(state && state.issue.state === 'closed' ? 'reopen' : 'close', { author: me() }));
$('push').addEventListener('submit', (e) => {
  e.preventDefault();
  act('push', { author: me(), branch: $('branch').value, message: $('message').value });
});
$('author').addEventListener('input', identity);
$('role').addEventListener('change', identity);
setInterval(() => {
  for (const t of d.querySelectorAll('time')) t.textContent = ago(t.dateTime);
}, 10000);
identity();
poll();
})();
`;
