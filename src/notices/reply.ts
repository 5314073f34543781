/**
 * The one reply to a comment's commands (pure), and the size GitHub allows a comment.
 * GitHub refuses a comment longer than 65,536 characters, and then the user hears nothing:
 * each part is bounded where it is written (titles, lists, echoes), and this is the last
 * line of defence, which drops what changed nothing (`list`, `help`) before anything else.
 */

/** GitHub's limit for a comment body. */
export const COMMENT_MAX = 65_536;
/** Kept free for the hidden marker the poster appends. */
export const MARKER_ROOM = 256;

const SEPARATOR = '\n\n---\n\n';
const CUT_NOTE = '\n\n…(the rest did not fit in one comment)';

export interface ReplyPart {
  text: string;
  /** Changed nothing (`list`, `help`): may be replaced by a pointer if the reply is too long. */
  readOnly: boolean;
}

export function repeatsNote(repeats: number): string {
  return `ℹ️ ${repeats === 1 ? '1 line repeated' : `${repeats} lines repeated`} an earlier command and ${repeats === 1 ? 'was' : 'were'} carried out once.`;
}

export function overNote(lines: number[], max: number): string {
  const shown = lines.slice(0, 5).join(', ');
  const rest = lines.length > 5 ? ` and ${lines.length - 5} more` : '';
  return (
    `⚠️ Only the first ${max} different commands of a comment are carried out; ` +
    `${lines.length === 1 ? '1 more line was' : `${lines.length} more lines were`} not (line${lines.length === 1 ? '' : 's'} ${shown}${rest}). ` +
    'Put them in another comment.'
  );
}

export function composeReply(parts: ReplyPart[], notes: string[], max = COMMENT_MAX - MARKER_ROOM): string {
  const texts = parts.map((p) => p.text);
  const length = () => [...texts, ...notes].join(SEPARATOR).length;
  const droppable = parts
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.readOnly)
    .sort((a, b) => b.p.text.length - a.p.text.length);
  for (const { i } of droppable) {
    if (length() <= max) break;
    texts[i] = 'ℹ️ This answer did not fit in one comment with the others: ask for it again in a comment of its own.';
  }
  return fitComment([...texts, ...notes].join(SEPARATOR), max);
}

/** Cuts `body` at a line break so that it fits in `max` characters. */
export function fitComment(body: string, max = COMMENT_MAX - MARKER_ROOM): string {
  if (body.length <= max) return body;
  const room = body.slice(0, max - CUT_NOTE.length);
  const lineEnd = room.lastIndexOf('\n');
  return (lineEnd > room.length / 2 ? room.slice(0, lineEnd) : room) + CUT_NOTE;
}
