import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Anything queries run on: the database or an open transaction. */
export type Q = Kysely<Database> | Transaction<Database>;
