import { JSONParser } from '@streamparser/json';
import { jsonbSafe, jsonbSafeSteps } from '../deliveries/jsonb-safe.js';
import { yielder } from '../util/yield.js';

/** Bodies up to this size are parsed in one go (a few milliseconds of JSON work at most). */
export const PARSE_INLINE_MAX = 512 * 1024;
/** A larger body is read this much at a time, the event loop free in between. */
const SLICE = 64 * 1024;

export class InvalidBody extends Error {}

/**
 * The body GitHub sent, jsonb-safe, by the payload parsed from it: what gets stored, as
 * received (no second serialisation on the request path).
 */
const bodies = new WeakMap<object, Uint8Array>();

/** The JSON to store for a payload: the body it came from, or (for one received otherwise, as in tests) written now. */
export function storedJsonOf(payload: Record<string, unknown>): string | Uint8Array {
  return bodies.get(payload) ?? jsonbSafe(JSON.stringify(payload));
}

/**
 * What handlers see of a large push: everything but the commits' contents (the job reads
 * those back from the stored payload, page by page: db/deliveries.ts), and each commit's id.
 */
const PUSH_PATHS = [
  '$.ref', '$.before', '$.after', '$.created', '$.deleted', '$.forced', '$.base_ref', '$.compare',
  '$.repository', '$.installation', '$.sender', '$.pusher', '$.organization', '$.enterprise', '$.commits.*.id',
];

/**
 * Reads a delivery body into the payload the handlers get. A body of up to half a megabyte
 * is parsed at once. A larger one (a push of 2,048 commits is up to 25 MB, and one
 * `JSON.parse` of it holds the event loop for a third of a second here and builds every
 * message in memory) is fed to a streaming parser (@streamparser/json) 64 KB at a time,
 * yielding in between; for a push it keeps only what handlers read.
 */
export async function parseBody(event: string, body: Buffer): Promise<Record<string, unknown>> {
  if (body.length <= PARSE_INLINE_MAX) {
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidBody('invalid JSON');
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new InvalidBody('the payload is not a JSON object');
    for (const _ of jsonbSafeSteps(body));
    bodies.set(payload, body);
    return payload as Record<string, unknown>;
  }
  const pause = yielder();
  const payload = await streamParse(event, body, pause);
  for (const _ of jsonbSafeSteps(body)) await pause();
  bodies.set(payload, body);
  return payload;
}

async function streamParse(event: string, body: Buffer, pause: () => Promise<void>): Promise<Record<string, unknown>> {
  const push = event === 'push';
  const parser = new JSONParser({ paths: push ? PUSH_PATHS : ['$'], keepStack: false });
  let payload: Record<string, unknown> = {};
  const commits: Array<{ id: unknown }> = [];
  let root: unknown;
  parser.onValue = ({ value, key, stack }) => {
    if (!push) root = value;
    else if (stack.length === 3) commits.push({ id: value }); // $.commits.<n>.id
    else payload[key as string] = value;
  };
  try {
    for (let at = 0; at < body.length; at += SLICE) {
      parser.write(body.subarray(at, at + SLICE));
      await pause();
    }
    if (!parser.isEnded) parser.end();
  } catch {
    throw new InvalidBody('invalid JSON');
  }
  if (push) {
    payload.commits = commits;
  } else {
    if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new InvalidBody('the payload is not a JSON object');
    payload = root as Record<string, unknown>;
  }
  return payload;
}
