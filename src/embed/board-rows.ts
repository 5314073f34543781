import { frame, type CountdownFields } from './countdown.js';
import { cleanText, escapeHtml, safeHref } from './escape.js';

/**
 * One goal of the board as a list item, and the board's counts in words. Pure and
 * browser-safe: the server draws the board with it (embed/board.ts) and the board's script
 * (embed/board-script.ts, bundled with this module) redraws with it when the goals change,
 * so the two cannot disagree. Every user word is escaped here, in both places.
 */
export interface RowFields extends CountdownFields {
  title: string;
  issue: number;
  issue_url: string;
}

export function rowHtml(g: RowFields, nowMs: number): string {
  const f = frame(g, nowMs);
  const href = safeHref(g.issue_url);
  const title = `<bdi>${escapeHtml(cleanText(g.title))}</bdi>`;
  const name = href
    ? `<a class="t" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${title}</a>`
    : `<span class="t">${title}</span>`;
  return (
    `<li data-state="${f.state}"><p class="top"><span class="pill">${f.label}</span>${name}` +
    `<span class="ref">#${escapeHtml(String(g.issue))}</span></p>` +
    `<p class="timer" role="timer"><span class="big">${f.big}</span> <span class="cap">${escapeHtml(f.cap)}</span></p>` +
    `<p class="due">Due <time datetime="${escapeHtml(g.due_at)}">${escapeHtml(f.time)}</time> · ${escapeHtml(f.zone)}</p></li>`
  );
}

/** The active rows (due first) and the finished ones (latest first), as the board lists them. */
export function split<T extends { status: string }>(goals: readonly T[]): { active: T[]; finished: T[] } {
  return { active: goals.filter((g) => g.status === 'active'), finished: goals.filter((g) => g.status !== 'active') };
}

const count = (n: number) => n.toLocaleString('en-US');

/** "3 active · 1 overdue · 2 due soon": the board's header line. */
export function summary(goals: readonly RowFields[], activeTotal: number, nowMs: number): string {
  const states = split(goals).active.map((g) => frame(g, nowMs).state);
  const overdue = states.filter((s) => s === 'overdue').length;
  const soon = states.filter((s) => s === 'due_soon').length;
  const parts = [`${count(activeTotal)} active`];
  if (overdue) parts.push(`${count(overdue)} overdue`);
  if (soon) parts.push(`${count(soon)} due soon`);
  return parts.join(' · ');
}

/** "…and 1,234 more, due later" under the active list, or '' when it shows them all. */
export function moreText(activeTotal: number, shown: number): string {
  const more = activeTotal - shown;
  return more > 0 ? `…and ${count(more)} more, due later` : '';
}
