/**
 * Comment body → `/deadline` command lines (SPEC §2). Pure: no dates are read here (the
 * `<when>` is left to `parseWhen`), only the line structure, the subcommand and the
 * `keyword=` / `tz=` options.
 *
 * What counts as a command line:
 * - it starts with `/deadline` (any case, leading whitespace allowed) followed by a space,
 *   a tab or the end of the line (`/deadlines`, `/deadline:` are not commands);
 * - it is not inside a fenced code block (``` or ~~~, any info string, any indentation so
 *   that fences nested in list items count too; an unclosed fence runs to the end);
 * - it is not a block quote line (first non-blank character `>`);
 * - it is not inside a multi-line HTML comment (`<!-- … -->`, as issue templates use).
 */
import { asciiLower, keywordError } from '../goals/keyword.js';
import { quote } from '../markdown/inert.js';
import { normalizeZone } from '../time/zones.js';

export type Command =
  | { kind: 'create'; text: string; keyword?: string; tz?: string } // text = "<when> [<title>]" with keyword=/tz= tokens removed, trimmed
  | { kind: 'list' }
  | { kind: 'help' }
  /**
   * `args` = "[<keyword>] <when>" raw, trimmed, `tz=` removed (see `splitMoveArgs`).
   * `keyword` also when given as `keyword=<kw>` (it is then the first word of `args` too).
   * `tz` (canonical zone name) when given as `tz=`: read the new `<when>` in that zone
   * instead of the goal's.
   */
  | { kind: 'move'; args: string; keyword?: string; tz?: string }
  | { kind: 'cancel'; keyword?: string }
  | { kind: 'done'; keyword?: string }
  | { kind: 'board' }
  /**
   * `share`/`unshare` a goal's link (by `keyword`, or the only goal) or, with
   * `board`, the repository board's. The bare word `board` means the board; a goal whose
   * keyword is `board` is named with `keyword=board`.
   */
  | { kind: 'share' | 'unshare'; board?: true; keyword?: string };

/**
 * A refused line still says which command it looked like (`kind`): a command that needs a
 * permission is checked for it before its words are echoed back in a refusal.
 */
export type CommandLine =
  | { line: number; source: string; ok: true; command: Command }
  | { line: number; source: string; ok: false; kind: Command['kind']; error: string; usage: string };

export const USAGE: Record<Command['kind'], string> = {
  create: '/deadline <when> [<title>] [keyword=<keyword>] [tz=<IANA zone>]',
  list: '/deadline list',
  help: '/deadline help',
  move: '/deadline move [<keyword>] <when> [tz=<IANA zone>]',
  cancel: '/deadline cancel [<keyword>]',
  done: '/deadline done [<keyword>]',
  board: '/deadline board',
  share: '/deadline share [<keyword>|board]',
  unshare: '/deadline unshare [<keyword>|board]',
};

const SUBCOMMANDS: Record<string, Exclude<Command['kind'], 'create'>> = {
  list: 'list',
  help: 'help',
  '?': 'help',
  '-h': 'help',
  '--help': 'help',
  move: 'move',
  cancel: 'cancel',
  done: 'done',
  board: 'board',
  share: 'share',
  unshare: 'unshare',
};

/** Words people try as subcommands, and what they probably meant. */
export const MISTAKEN_SUBCOMMANDS: Readonly<Record<string, Command['kind']>> = {
  remove: 'cancel', delete: 'cancel', del: 'cancel', rm: 'cancel', drop: 'cancel', abort: 'cancel',
  stop: 'cancel', clear: 'cancel', unset: 'cancel', cancle: 'cancel', canceled: 'cancel', cancelled: 'cancel',
  edit: 'move', update: 'move', change: 'move', reschedule: 'move', postpone: 'move', extend: 'move',
  modify: 'move', delay: 'move', mv: 'move', snooze: 'move', shift: 'move',
  show: 'list', ls: 'list', all: 'list', status: 'list', view: 'list', get: 'list', lists: 'list',
  complete: 'done', completed: 'done', finish: 'done', finished: 'done', close: 'done', closed: 'done',
  resolve: 'done', resolved: 'done',
  add: 'create', new: 'create', create: 'create', set: 'create', make: 'create',
  usage: 'help', commands: 'help', docs: 'help',
  dashboard: 'board', overview: 'board',
  revoke: 'unshare', withdraw: 'unshare', private: 'unshare', hide: 'unshare',
  publish: 'share', public: 'share', reshare: 'share',
};

const COMMAND_LINE = /^\s*\/deadline(?=\s|$)(.*)$/i;
const FENCE_OPEN = /^\s*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;
const QUOTE = /^\s*>/;
const OPTION = /^(keyword|tz)=(.*)$/i;

type Options = { keyword?: string; tz?: string; words: string[] } | { error: string };

function unquote(v: string): string {
  const m = /^(["'`])(.*)\1$/.exec(v);
  return m ? (m[2] ?? '') : v;
}

/** Splits words from `keyword=` / `tz=` options; validates the options. */
function readOptions(words: readonly string[]): Options {
  const out: { keyword?: string; tz?: string; words: string[] } = { words: [] };
  for (const word of words) {
    const m = OPTION.exec(word);
    if (!m) {
      out.words.push(word);
      continue;
    }
    const name = (m[1] ?? '').toLowerCase() as 'keyword' | 'tz';
    const value = unquote((m[2] ?? '').replace(/[,;]+$/, ''));
    if (out[name] !== undefined) return { error: `\`${name}=\` is given twice.` };
    if (name === 'keyword') {
      if (!value) return { error: '`keyword=` needs a value, for example `keyword=ship-v1`.' };
      const err = keywordError(value);
      if (err) return { error: err };
      out.keyword = value;
    } else {
      if (!value) return { error: '`tz=` needs an IANA zone, for example `tz=Europe/Berlin`.' };
      const zone = normalizeZone(value);
      if (!zone) {
        return { error: `Unknown time zone ${quote(value)}: use an IANA name such as \`tz=Europe/Berlin\`, \`tz=America/New_York\` or \`tz=UTC\`.` };
      }
      out.tz = zone;
    }
  }
  return out;
}

type LineResult = { ok: true; command: Command } | { ok: false; kind: Command['kind']; error: string; usage: string };

function fail(error: string, kind: Command['kind']): LineResult {
  return { ok: false, kind, error, usage: USAGE[kind] };
}

/** Reads what follows `/deadline` on one line. */
export function parseCommandText(afterDeadline: string): LineResult {
  const all = afterDeadline.trim().split(/\s+/).filter((w) => w.length > 0);
  if (all.length === 0) {
    return fail('`/deadline` needs a date, for example `/deadline tomorrow 5pm Ship v1`, or a subcommand (`/deadline help`).', 'create');
  }
  const opts = readOptions(all);
  // The subcommand is the first word that is not an option.
  const first = 'words' in opts ? opts.words[0] : all.find((w) => !OPTION.test(w));
  const subWord = first === undefined ? '' : asciiLower(first).replace(/[.,!:;]+$/, '');
  const sub = SUBCOMMANDS[subWord];
  const mistaken = sub ? undefined : MISTAKEN_SUBCOMMANDS[subWord];
  const kind: Command['kind'] = sub ?? mistaken ?? 'create';

  if (mistaken) {
    const hint =
      mistaken === 'create'
        ? `to create a goal, start with the date: \`${USAGE.create}\`.`
        : `did you mean \`${USAGE[mistaken]}\`?`;
    return fail(`Unknown subcommand ${quote(first ?? '')}: ${hint}`, mistaken);
  }
  if ('error' in opts) return fail(opts.error, kind);
  const rest = sub ? opts.words.slice(1) : opts.words;

  switch (kind) {
    case 'list':
    case 'help':
    case 'board':
      return { ok: true, command: { kind } };
    case 'share':
    case 'unshare': {
      if (rest.length > 1) return fail(`\`${kind}\` takes one keyword, or \`board\`; got ${quote(rest.join(' '))}.`, kind);
      const positional = rest[0]?.replace(/[!?,;.]+$/, '');
      if (positional !== undefined && asciiLower(positional) === 'board') {
        if (opts.keyword !== undefined) return fail(`Give \`board\` or a keyword, not both (a goal whose keyword is \`board\`: \`keyword=board\`).`, kind);
        return { ok: true, command: { kind, board: true } };
      }
      const named = namedKeyword(positional, opts.keyword);
      if (typeof named === 'object') return fail(named.error, kind);
      return { ok: true, command: named === undefined ? { kind } : { kind, keyword: named } };
    }
    case 'cancel':
    case 'done': {
      if (rest.length > 1) {
        return fail(`\`${kind}\` takes one keyword, got ${quote(rest.join(' '))}.`, kind);
      }
      // `done ship-v1!`: sentence punctuation that no keyword contains is dropped.
      const positional = rest[0]?.replace(/[!?,;]+$/, '');
      const named = namedKeyword(positional, opts.keyword);
      if (typeof named === 'object') return fail(named.error, kind);
      return { ok: true, command: named === undefined ? { kind } : { kind, keyword: named } };
    }
    case 'move': {
      if (rest.length === 0) {
        return fail('`move` needs the new date, for example `/deadline move ship-v1 next friday 17:00`.', kind);
      }
      // A `keyword=` option is also put first in `args`, so "[<keyword>] <when>" stays true.
      const args = [...(opts.keyword !== undefined ? [opts.keyword] : []), ...rest].join(' ');
      const command: Command = { kind: 'move', args };
      if (opts.keyword !== undefined) command.keyword = opts.keyword;
      if (opts.tz !== undefined) command.tz = opts.tz;
      return { ok: true, command };
    }
    case 'create': {
      if (rest.length === 0) {
        return fail('The date is missing, for example `/deadline tomorrow 5pm Ship v1 keyword=ship-v1`.', kind);
      }
      const command: Command = { kind: 'create', text: rest.join(' ') };
      if (opts.keyword !== undefined) command.keyword = opts.keyword;
      if (opts.tz !== undefined) command.tz = opts.tz;
      return { ok: true, command };
    }
  }
}

/**
 * All `/deadline` lines of a comment or issue body, in order. `line` is 1-based in the
 * body; `source` is the line, trimmed. Never throws.
 */
export function parseCommands(body: string): CommandLine[] {
  return Array.from(commandLines(body), ({ line, source, rest }) => ({ line, source, ...parseCommandText(rest) }));
}

/** Whether a body has a command line at all: what a webhook handler asks before recording it. */
export function hasCommandLines(body: string): boolean {
  return !commandLines(body).next().done;
}

/** The command lines of a body (structure only: fences, quotes and HTML comments skipped). */
function* commandLines(body: string): Generator<{ line: number; source: string; rest: string }> {
  // U+2028/U+2029 are not line breaks in Markdown (GitHub shows one line), but `.` and `$`
  // in the patterns below would stop at them: read them as the spaces they look like.
  const lines = body.replace(/[\u2028\u2029]/g, ' ').split(/\r\n|\r|\n/);
  let fence: { char: string; length: number } | null = null;
  let inHtmlComment = false;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      const marker = close?.[1];
      if (marker && marker[0] === fence.char && marker.length >= fence.length) fence = null;
      continue;
    }
    if (inHtmlComment) {
      const end = line.indexOf('-->');
      if (end === -1) continue;
      inHtmlComment = opensHtmlComment(line.slice(end + 3));
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    const marker = open?.[1];
    if (marker && !(marker[0] === '`' && (open?.[2] ?? '').includes('`'))) {
      fence = { char: marker[0] ?? '`', length: marker.length };
      continue;
    }
    if (QUOTE.test(line)) continue;

    const m = COMMAND_LINE.exec(line);
    if (m) yield { line: i + 1, source: line.trim(), rest: m[1] ?? '' };
    inHtmlComment = opensHtmlComment(line);
  }
}

/** Whether `text` leaves an HTML comment open at its end. */
function opensHtmlComment(text: string): boolean {
  let open = false;
  let at = 0;
  for (;;) {
    if (!open) {
      const start = text.indexOf('<!--', at);
      if (start === -1) return false;
      open = true;
      at = start + 4;
    } else {
      const end = text.indexOf('-->', at);
      if (end === -1) return true;
      open = false;
      at = end + 3;
    }
  }
}

/**
 * For the runner: splits `move` args into keyword and `<when>`. The first word is the
 * keyword when it names one of `activeKeywords` (compared case-insensitively); otherwise
 * all of `args` is the `<when>`.
 */
export function splitMoveArgs(args: string, activeKeywords: Iterable<string>): { keyword?: string; when: string } {
  const trimmed = args.trim();
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
  const first = m?.[1];
  if (first !== undefined) {
    const lower = asciiLower(first);
    for (const k of activeKeywords) {
      if (asciiLower(k) === lower) return { keyword: k, when: (m?.[2] ?? '').trim() };
    }
  }
  return { when: trimmed };
}

/** The keyword a command names by a word, by `keyword=`, or both when they agree; undefined when neither. */
function namedKeyword(positional: string | undefined, given: string | undefined): string | undefined | { error: string } {
  if (positional === undefined) return given;
  const err = keywordError(positional);
  if (err) return { error: err };
  if (given !== undefined && asciiLower(given) !== asciiLower(positional)) return { error: `Two different keywords given: ${quote(positional)} and ${quote(given)}.` };
  return positional;
}
