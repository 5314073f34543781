import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import vm from 'node:vm';
import { frame, type CountdownFields, type Frame } from '../../../src/embed/countdown.js';
import { pageScript } from '../../../src/embed/page-bundle.js';

/**
 * The countdown page's script is built from the same TypeScript as the server's first frame
 * (embed/page-script.ts imports embed/countdown.ts). This runs the bytes the page ships —
 * the bundle, in a fresh context with no DOM — and holds them to the server's frame() for
 * any goal, zone and instant.
 */
const shipped = vm.runInNewContext(`${pageScript()};GitDonePage`, { Intl }) as { frame: (g: CountdownFields, now: number) => Frame };

const ZONES = [...Intl.supportedValuesOf('timeZone').slice(0, 400), 'UTC', 'Etc/UTC', 'Not/AZone'];
const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });

test('the page draws what the server draws, for any goal, zone and moment', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('active', 'completed', 'cancelled' as const),
      instant,
      fc.option(instant, { nil: null }),
      fc.constantFrom(...ZONES),
      fc.integer({ min: -30 * 86_400_000, max: 30 * 86_400_000 }),
      (status, due, completed, timezone, offset) => {
        const goal: CountdownFields = {
          status: status as CountdownFields['status'],
          due_at: new Date(due).toISOString(),
          completed_at: completed === null ? null : new Date(completed).toISOString(),
          timezone,
        };
        const now = due + offset;
        expect(shipped.frame(goal, now)).toEqual(frame(goal, now));
      },
    ),
    { numRuns: 2000 },
  );
});

test('the bundle is small and self-contained: no import, no foreign URL', () => {
  const js = pageScript();
  expect(Buffer.byteLength(js)).toBeLessThan(8 * 1024);
  expect(js).not.toMatch(/\bimport\b|require\(|https?:\/\//);
});
