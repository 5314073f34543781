/**
 * Words a user wrote, shown in a comment GitDone writes, without ever becoming live there
 * (SPEC §2): no mention, team mention, issue reference, image, link, HTML or emoji.
 *
 * Why a code span and not escaping: GitHub turns `@user`, `#12`, `owner/repo#3` and bare
 * URLs into mentions, references and links *after* Markdown has run, on the rendered text,
 * so backslash escapes do not stop them; its filters do skip `<code>`. Inside a code span
 * Markdown itself reads nothing either (no HTML, images, links or entities). What is left is
 * to keep the span closed and on one line: backticks, line breaks and control characters
 * are replaced, and a table cell also needs its `|` escaped (GFM splits cells first).
 */

import { BIDI_CONTROL, LONE_SURROGATE } from '../text/unicode.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Direction marks: with the bidi controls, they could make an echo read as something else. */
const DIRECTION_MARKS = /[\u200e\u200f\u061c]/g;

/** At most this many characters of a user's words are echoed, unless the caller says otherwise. */
export const ECHO_MAX = 80;

export interface QuoteOptions {
  /** Longest echo, in characters (code points); longer text is cut with `…`. */
  max?: number;
  /** The span sits in a GFM table cell. */
  inTable?: boolean;
}

/** User text as an inert, one-line code span: `` `like this` ``. */
export function quote(text: string, opts: QuoteOptions = {}): string {
  const max = opts.max ?? ECHO_MAX;
  let s = oneLine(text);
  const chars = Array.from(s);
  if (chars.length > max) s = chars.slice(0, Math.max(1, max - 1)).join('').trimEnd() + '…';
  // A backtick would close the span early; a look-alike keeps the words readable.
  s = s.replace(/`/g, 'ˋ');
  if (opts.inTable) s = s.replace(/\|/g, '\\|');
  // CommonMark strips one space on each side when both are present; an empty span is not a span.
  if (s.trim() === '') s = '\u00a0';
  return '`' + s + '`';
}

/** The text on one line, with nothing that could break out of, or disguise, its span. */
export function oneLine(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(BIDI_CONTROL, '')
    .replace(DIRECTION_MARKS, '')
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A keyword shown as code: keywords have no backticks or spaces, so one pair of backticks holds. */
export function code(keyword: string): string {
  return '`' + keyword.replace(/`/g, '') + '`';
}
