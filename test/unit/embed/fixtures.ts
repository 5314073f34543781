import type { Goal } from '../../../src/goals/types.js';
import { toView, type GoalView } from '../../../src/embed/view.js';

export const NOW = new Date('2030-01-12T13:00:00.000Z');

export function goal(over: Partial<Goal> = {}): Goal {
  return {
    id: 'g1',
    token: 'tok',
    repoId: 1,
    installationId: 1,
    repoFullName: 'octo/app',
    tracked: true,
    issueNumber: 12,
    isPullRequest: false,
    title: 'Ship v1',
    keyword: 'ship-v1',
    dueAt: new Date('2030-01-15T16:00:00.000Z'),
    timezone: 'Europe/Berlin',
    status: 'active',
    createdBy: 'octocat',
    createdAt: new Date('2030-01-01T00:00:00.000Z'),
    updatedAt: NOW,
    version: 1,
    completedAt: null,
    completedVia: null,
    completedSha: null,
    completedAuthor: null,
    cancelledAt: null,
    shared: true,
    ...over,
  };
}

export function view(over: Partial<Goal> = {}, now: Date = NOW): GoalView {
  return toView(goal(over), now);
}

/** Due `ms` after NOW. */
export function dueIn(ms: number): Date {
  return new Date(NOW.getTime() + ms);
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Titles meant to break out of every context we write them into. */
export const HOSTILE_TITLES: string[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='x",
  ']]>',
  '</script><script>alert(2)</script>',
  '<!-- x --> <![CDATA[ y ]]>',
  'ctrl:' + Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f:end',
  '\u202eevil\u202c txt.exe',
  'emoji 🚀🔥 ship 👩🏽‍💻',
  '部'.repeat(200),
  'back\\slash; semi, comma\nnew line\r\nCRLF',
  '&amp; &lt; & < > " \'',
  'javascript:alert(1)',
  '\u2028line\u2029para',
  'url(https://evil.example/x.png) @import "https://evil.example/a.css";',
];
