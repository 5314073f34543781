import type { Q } from './q.js';

/** Tokens whose links were withdrawn (`unshare`, or replaced by `share`): 410 Gone rather than 404. */

export type LinkKind = 'goal' | 'board';

export async function isWithdrawn(q: Q, token: string, kind: LinkKind): Promise<boolean> {
  const row = await q.selectFrom('withdrawn_links').select('token').where('token', '=', token).where('kind', '=', kind).executeTakeFirst();
  return row !== undefined;
}
