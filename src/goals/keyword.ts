/**
 * Goal keywords (SPEC §2): validation and derivation from a title. Pure. (Finding them in
 * commit messages is goals/match.ts.)
 *
 * A keyword is 2–64 characters of ASCII letters, digits and `-_.#/:`, with at least one
 * letter or digit.
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
