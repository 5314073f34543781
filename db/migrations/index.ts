import type { Migration } from 'kysely';
import * as m0001 from './0001_init.js';
import * as m0002 from './0002_worker_processes.js';
import * as m0003 from './0003_worker_heartbeat.js';
import * as m0004 from './0004_notice_nonce.js';
import * as m0005 from './0005_delivery_parts.js';
import * as m0006 from './0006_notice_claims.js';
import * as m0007 from './0007_installation_pacing.js';
import * as m0008 from './0008_boards_and_links.js';
import * as m0010 from './0010_notice_claimant.js';

/**
 * Listed by hand rather than read from the folder: the same list works from
 * TypeScript (tests, tsx) and from the compiled dist/ (npm start), with no
 * path juggling. Add each new migration here, in order.
 */
export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_worker_processes': m0002,
  '0003_worker_heartbeat': m0003,
  '0004_notice_nonce': m0004,
  '0005_delivery_parts': m0005,
  '0006_notice_claims': m0006,
  '0007_installation_pacing': m0007,
  '0008_boards_and_links': m0008,
  '0010_notice_claimant': m0010,
};
