import { expect, test } from '@jest/globals';
import { capturingLog } from '../helpers/log.js';
import { redactUrl } from '../../src/log-redact.js';

test('embed and board tokens are cut from URLs, wherever they appear', () => {
  expect(redactUrl('/embed/AbCdEf123456789_-xyz.svg?theme=dark')).toBe('/embed/….svg?theme=dark');
  expect(redactUrl('GET /board/AbCdEf123456789_-xyz 200 - 3ms')).toBe('GET /board/… 200 - 3ms');
  expect(redactUrl('/healthz')).toBe('/healthz');
});

test('a log line never carries request headers, a webhook payload or an embed token', () => {
  const { log, lines } = capturingLog();
  const err = Object.assign(new Error('boom'), { event: { id: 'd1', payload: { secret: 'PAYLOAD' } } });
  log.child({ name: 'event' }).error(err);
  log.error({ err: new AggregateError([err], 'many') }, 'webhook failed');
  log.child({ req: { method: 'GET', url: '/embed/SECRETTOKEN1234', headers: { 'x-hub-signature-256': 'sha256=SIG' } } }).info('GET /embed/SECRETTOKEN1234 200 - 1ms');
  const text = JSON.stringify(lines);
  expect(text).not.toMatch(/PAYLOAD|SECRETTOKEN|SIG/);
  expect(text).toContain('boom');
  expect(text).toContain('/embed/…');
});
