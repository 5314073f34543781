/**
 * Pure helpers shared by the embed renderers: cleaning user text and escaping it for each
 * output context (HTML, XML, JSON in a script, links). No I/O, no clock.
 */
import { BIDI_CONTROL, LONE_SURROGATE } from '../text/unicode.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * User text for a one-line context: tabs and line breaks become spaces, other C0/C1 control
 * characters are dropped, lone surrogates become U+FFFD. Bidi marks are kept (callers isolate them).
 */
export function cleanText(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROL, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : ''))
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Like cleanText, and also drops bidi overrides: for places that cannot isolate them (<title>, meta, SVG, calendars). */
export function plainText(s: string): string {
  return cleanText(s.replace(BIDI_CONTROL, ''));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for HTML text and quoted attribute values alike; also valid XML (SVG). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export const escapeXml = escapeHtml;

/**
 * JSON to put inside `<script type="application/json">`: `<`, `>` and `&` are written as
 * \u escapes so that no `</script`, `<!--` or `]]>` can appear, and U+2028/2029 likewise.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Only http(s) URLs are ever put into an href. */
export function safeHref(url: string): string | null {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}
