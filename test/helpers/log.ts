import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { redaction } from '../../src/log-redact.js';

/** A logger whose lines the test can read (as probot/probot's tests do). */
export function capturingLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'debug', ...redaction }, stream), lines };
}
