/**
 * Goal keywords (SPEC §2, §3): validation, derivation from a title, and matching in commit
 * messages. Pure.
 *
 * A keyword is 2–64 characters of ASCII letters, digits and `-_.#/:`, with at least one
 * letter or digit. Matching is ASCII case-insensitive and by whole token: the characters
 * around the occurrence must not continue the word. Punctuation from `-.#/:` right next to
 * the occurrence is skipped first, so `ship-v1.` and `(ship-v1):` match but `ship-v1.2`,
 * `ship-v1-beta`, `ship-v10` and `preship-v1`/`pre-ship-v1` do not.
 */
import { quote } from '../markdown/inert.js';

export const KEYWORD_MIN = 2;
export const KEYWORD_MAX = 64;
/** Derived keywords are kept short enough to type in a commit message. */
export const SLUG_MAX = 32;
export const FALLBACK_KEYWORD = 'goal';

const BAD_CHAR = /[^A-Za-z0-9_.#/:-]/u;

/** SPEC: 2–64 chars of letters, digits and -_.#/: , no spaces; null = valid. */
export function keywordError(keyword: string): string | null {
  if (keyword.length === 0) return 'The keyword is empty.';
  if (/\s/u.test(keyword)) return `The keyword ${quote(keyword)} contains a space; use - or _ instead.`;
  const bad = BAD_CHAR.exec(keyword);
  if (bad) {
    return `The keyword ${quote(keyword)} contains ${quote(bad[0])}; only letters a–z, digits and \`- _ . # / :\` are allowed.`;
  }
  const len = keyword.length;
  if (len < KEYWORD_MIN) return `The keyword ${quote(keyword)} is too short: at least ${KEYWORD_MIN} characters.`;
  if (len > KEYWORD_MAX) return `The keyword is too long (${len} characters): at most ${KEYWORD_MAX}.`;
  if (!/[A-Za-z0-9]/.test(keyword)) return `The keyword ${quote(keyword)} needs at least one letter or digit.`;
  return null;
}

/** Lowercases A–Z only, so indices are unchanged and no Unicode folding creates matches. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Lowercase slug for a derived keyword: accents stripped, runs of anything but a–z/0–9
 * become `-`, at most SLUG_MAX characters (cut at a `-` when one is near). Always a valid
 * keyword: a title with nothing usable gives "goal", a single character "goal-x".
 */
export function slugify(title: string): string {
  let s = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length > SLUG_MAX) {
    const cut = s.slice(0, SLUG_MAX + 1);
    const dash = cut.lastIndexOf('-');
    s = (dash >= SLUG_MAX / 2 ? cut.slice(0, dash) : s.slice(0, SLUG_MAX)).replace(/-+$/, '');
  }
  if (s.length === 0) return FALLBACK_KEYWORD;
  if (s.length < KEYWORD_MIN) return `${FALLBACK_KEYWORD}-${s}`;
  return s;
}

/** base, base-2, base-3… (compared lowercase) that is not in `taken`; at most 64 characters. */
export function uniqueKeyword(base: string, taken: ReadonlySet<string>): string {
  const lowerTaken = new Set<string>();
  for (const t of taken) lowerTaken.add(asciiLower(t));
  const b = base.length > KEYWORD_MAX ? base.slice(0, KEYWORD_MAX) : base;
  if (!lowerTaken.has(asciiLower(b))) return b;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    let head = b.slice(0, KEYWORD_MAX - suffix.length);
    if (head.length > 1) head = head.replace(/[-_.#/:]+$/, '') || head;
    const candidate = head + suffix;
    if (!lowerTaken.has(asciiLower(candidate))) return candidate;
  }
}

const NON_ASCII_WORD = /^[\p{L}\p{N}]$/u;

/** `-` `.` `#` `/` `:` — keyword punctuation that may sit between a keyword and the text around it. */
function isJoiner(code: number): boolean {
  return code === 45 || code === 46 || code === 35 || code === 47 || code === 58;
}

/** A letter or digit (any script) or `_`: continues a word. */
function isWord(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return NON_ASCII_WORD.test(ch);
}

/**
 * Whether `message` contains `keyword` case-insensitively as a whole token. Plain string
 * search (no RegExp built from the keyword), linear in the message for a given keyword.
 */
export function messageHasKeyword(message: string, keyword: string): boolean {
  if (keyword.length === 0 || message.length < keyword.length) return false;
  const hay = asciiLower(message);
  const needle = asciiLower(keyword);
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
    let left = at - 1;
    while (left >= 0 && isJoiner(hay.charCodeAt(left))) left--;
    if (left >= 0 && isWord(charBefore(hay, left + 1))) continue;
    let right = at + needle.length;
    while (right < hay.length && isJoiner(hay.charCodeAt(right))) right++;
    if (right < hay.length && isWord(charAt(hay, right))) continue;
    return true;
  }
  return false;
}

/** The code point ending just before `index` (handles surrogate pairs). */
function charBefore(s: string, index: number): string | undefined {
  if (index <= 0) return undefined;
  const low = s.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = s.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(index - 2, index);
  }
  return s.charAt(index - 1);
}

/** The code point starting at `index`. */
function charAt(s: string, index: number): string | undefined {
  const cp = s.codePointAt(index);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}
