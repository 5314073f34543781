import picomatch from 'picomatch';
import { asciiLower } from './keyword.js';

export interface PushedCommit {
  id: string;
  message: string;
  author: string | null;
}

/**
 * Is `branch` tracked? An empty pattern list means the default branch only; `*`
 * means every branch; otherwise globs (`release/*`), matched with picomatch so
 * `release/*` does not reach `release/a/b` but `release/**` does.
 */
export function isTrackedBranch(branch: string, patterns: string[], defaultBranch: string | null): boolean {
  if (patterns.length === 0) return branch === defaultBranch;
  if (patterns.includes('*')) return true;
  return picomatch(patterns, { dot: true })(branch);
}

/**
 * A keyword is found "as a whole token" (SPEC §3) exactly when a run of characters a
 * keyword could be part of — letters and digits of any script, `_`, and the joiners
 * `- . # / :` — is the keyword with nothing but joiners around it: `(ship-v1):` and
 * `ship-v1.` match `ship-v1`; `ship-v1.2`, `ship-v10` and `pre-ship-v1` do not.
 */
const JOINER = new Uint8Array(128);
const RUN_ASCII = new Uint8Array(128);
for (const ch of '-.#/:') JOINER[ch.charCodeAt(0)] = 1;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_]/.test(ch) || JOINER[c]) RUN_ASCII[c] = 1;
}
const WORD = /^[\p{L}\p{N}]$/u;

/** The joiners at each end of a keyword, and the core between them. */
function split(text: string): { head: string; core: string; tail: string } {
  let start = 0;
  while (start < text.length && JOINER[text.charCodeAt(start)]) start++;
  let end = text.length;
  while (end > start && JOINER[text.charCodeAt(end - 1)]) end--;
  return { head: text.slice(0, start), core: text.slice(start, end), tail: text.slice(end) };
}

/**
 * Matches commit messages against every active keyword of a repository at once. Each
 * message is read once, character by character; only a run whose core has the length and
 * first letter of some keyword is cut out and looked up. A push costs O(message bytes +
 * goals), not goals × commits × bytes.
 */
export class KeywordMatcher<G extends { keyword: string }> {
  private readonly byCore = new Map<string, Array<{ goal: G; head: string; tail: string }>>();
  private readonly firstChars = new Set<number>();
  private minCore = Infinity;
  private maxCore = 0;
  private readonly found = new Map<G, PushedCommit>();
  private readonly size: number;

  constructor(goals: readonly G[]) {
    for (const goal of goals) {
      const { head, core, tail } = split(asciiLower(goal.keyword));
      if (!core) continue; // a valid keyword always has a letter or digit
      const list = this.byCore.get(core) ?? [];
      list.push({ goal, head, tail });
      this.byCore.set(core, list);
      this.firstChars.add(core.charCodeAt(0));
      this.minCore = Math.min(this.minCore, core.length);
      this.maxCore = Math.max(this.maxCore, core.length);
    }
    this.size = goals.length;
  }

  /** Every goal has found its commit: later commits cannot change anything. */
  get done(): boolean {
    return this.found.size >= this.size;
  }

  /** The goals whose keyword `message` carries. */
  goalsIn(message: string): G[] {
    const hits: G[] = [];
    const n = message.length;
    let i = 0;
    while (i < n) {
      // Skip to the start of a run.
      let c = message.charCodeAt(i);
      if (c < 128 ? !RUN_ASCII[c] : !this.wordAt(message, i)) {
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        continue;
      }
      const start = i;
      let ascii = true;
      while (i < n) {
        c = message.charCodeAt(i);
        if (c < 128) {
          if (!RUN_ASCII[c]) break;
          i++;
        } else {
          if (!this.wordAt(message, i)) break;
          ascii = false;
          i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        }
      }
      // A core with a non-ASCII letter in it is no keyword's (keywords are ASCII).
      if (ascii) this.lookup(message, start, i, hits);
    }
    return hits;
  }

  private lookup(message: string, start: number, end: number, hits: G[]): void {
    let cs = start;
    while (cs < end && JOINER[message.charCodeAt(cs)]) cs++;
    let ce = end;
    while (ce > cs && JOINER[message.charCodeAt(ce - 1)]) ce--;
    const len = ce - cs;
    if (len < this.minCore || len > this.maxCore) return;
    const first = message.charCodeAt(cs);
    if (!this.firstChars.has(first >= 65 && first <= 90 ? first + 32 : first)) return;
    const entries = this.byCore.get(asciiLower(message.slice(cs, ce)));
    if (!entries) return;
    const head = message.slice(start, cs);
    const tail = message.slice(ce, end);
    // The keyword's own edge joiners must be there too: `#42` needs the `#`, `42` does not.
    for (const e of entries) if (head.endsWith(e.head) && tail.startsWith(e.tail)) hits.push(e.goal);
  }

  /** A letter or digit of any script at `i` (a surrogate pair read as one code point). */
  private wordAt(message: string, i: number): boolean {
    const cp = message.codePointAt(i)!;
    return WORD.test(String.fromCodePoint(cp));
  }

  /** Reads one commit (in push order): the first commit to carry a goal's keyword is its. */
  add(commit: PushedCommit): void {
    if (this.done) return;
    for (const goal of this.goalsIn(commit.message)) {
      if (!this.found.has(goal)) this.found.set(goal, commit);
    }
  }

  /** Each matched goal with its first commit. */
  matches(): Array<{ goal: G; commit: PushedCommit }> {
    return [...this.found].map(([goal, commit]) => ({ goal, commit }));
  }
}

/** Whether `message` carries `keyword` as a whole token (case-insensitive for A–Z). */
export function messageHasKeyword(message: string, keyword: string): boolean {
  return new KeywordMatcher([{ keyword }]).goalsIn(message).length > 0;
}
