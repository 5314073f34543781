import { hasActiveGoals, listGoals as pageOfGoals } from '../db/goals.js';
import { LIST_MAX, listReply } from '../notices/bodies.js';
import type { CommandScope, Outcome } from './scope.js';

/** `/deadline list`: the issue's goals when it has an active one, else the repository's active goals; 50 at most. */
export async function listGoals(s: CommandScope): Promise<Outcome> {
  const repoId = s.repo.id;
  const scope = (await hasActiveGoals(s.q, repoId, s.issue.number)) ? 'issue' : 'repository';
  const { goals, total } = await pageOfGoals(
    s.q,
    scope === 'issue' ? { repoId, issueNumber: s.issue.number, activeOnly: false } : { repoId, activeOnly: true },
    LIST_MAX,
  );
  return { reply: listReply(goals, total, scope, s.now, s.links.publicUrl), goalId: null };
}
