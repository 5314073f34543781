import { describe, expect, test } from '@jest/globals';
import { deliveryTraceIds, redactTokens } from '../../../src/telemetry/delivery-trace.js';

describe('deliveryTraceIds', () => {
  test('one trace per delivery id: stable, distinct, valid W3C ids', () => {
    const a = deliveryTraceIds('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(deliveryTraceIds('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toEqual(a);
    expect(deliveryTraceIds('72d3162e-cc78-11e3-81ab-4c9367dc0959').traceId).not.toBe(a.traceId);
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('redactTokens', () => {
  test.each([
    ['/embed/AbC_-123', '/embed/<token>'],
    ['GET /embed/AbC_-123.json', 'GET /embed/<token>.json'],
    ['http://h/embed/AbC_-123/shields.json?theme=dark', 'http://h/embed/<token>/shields.json?theme=dark'],
    ['/board/xyz.ics', '/board/<token>.ics'],
    ['/api/github/webhooks', '/api/github/webhooks'],
  ])('%s', (input, output) => {
    expect(redactTokens(input)).toBe(output);
  });
});
