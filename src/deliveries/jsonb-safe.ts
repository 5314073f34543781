/**
 * Delivery JSON as PostgreSQL's jsonb will take it. Pure.
 *
 * JSON text for a jsonb column cannot hold `\u0000` or half of a surrogate pair, both of
 * which a GitHub payload can carry (a title, a commit message); they become U+FFFD, so the
 * delivery is kept rather than refused with a 500. Both only ever appear as escapes:
 * GitHub's JSON (and `JSON.stringify`) write NUL as `\u0000` and a lone surrogate as
 * `\udXXX`, while a paired surrogate (an emoji) is written as its UTF-8 bytes.
 */

/** The same text, with `\u0000` and `\ud800`…`\udfff` escapes replaced by `\ufffd`. */
export function jsonbSafe(json: string): string {
  const bytes = Buffer.from(json, 'utf8');
  for (const _ of jsonbSafeSteps(bytes));
  return bytes.toString('utf8');
}

const BACKSLASH = 0x5c;
/** Escapes stepped over between two yields of jsonbSafeSteps. */
const STEP = 50_000;

/**
 * Makes UTF-8 JSON bytes jsonb-safe, in place (the replacement has the same length), in one
 * linear pass that steps over every escape, so that an escaped backslash followed by
 * `u0000` (the text `\u0000` as a user typed it) is left alone. A generator: it yields every
 * STEP escapes, for a caller that must let the event loop breathe on a 25 MB body.
 */
export function* jsonbSafeSteps(bytes: Uint8Array): Generator<void> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let steps = 0;
  for (let i = buf.indexOf(BACKSLASH); i !== -1 && i < buf.length; i = buf.indexOf(BACKSLASH, i)) {
    if (buf[i + 1] === 0x75 /* u */ && isLoneOrNul(buf, i + 2)) {
      buf.write('fffd', i + 2, 'latin1');
      i += 6;
    } else {
      i += 2; // any other escape, `\\` included
    }
    if (++steps % STEP === 0) yield;
  }
}

function isLoneOrNul(buf: Buffer, at: number): boolean {
  const a = buf[at];
  if (a === 0x30 /* 0 */) return buf[at + 1] === 0x30 && buf[at + 2] === 0x30 && buf[at + 3] === 0x30;
  if (a !== 0x64 && a !== 0x44 /* d, D */) return false;
  const b = buf[at + 1] ?? 0;
  // 8, 9, a–f, A–F: the surrogate range D800–DFFF.
  return b === 0x38 || b === 0x39 || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}
