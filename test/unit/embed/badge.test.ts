import { describe, expect, test } from '@jest/globals';
import { BADGE_COLORS, badgeMessage, renderBadge } from '../../../src/embed/badge.js';
import { renderShields } from '../../../src/embed/shields.js';
import type { Goal } from '../../../src/goals/types.js';
import { DAY, dueIn, HOUR, HOSTILE_TITLES, MIN, NOW, view } from './fixtures.js';

/** A small XML well-formedness check: balanced tags, quoted attributes, known entities, no stray `<`/`&`. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let end = 0;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    end = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i);
      continue;
    }
    for (const [, value] of (attrs ?? '').matchAll(/="([^"]*)"/g)) {
      expect(value).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i);
    }
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name ?? '');
  }
  expect(end).toBe(xml.length); // every byte was part of a tag or text
  expect(stack).toEqual([]);
}

type Case = [string, Partial<Goal>, string, string];
const cases: Case[] = [
  ['on track, days', { dueAt: dueIn(3 * DAY + 4 * HOUR + 30 * MIN) }, '3d 4h left', '#4c1'],
  ['on track, whole days', { dueAt: dueIn(10 * DAY) }, '10d left', '#4c1'],
  ['due soon, hours', { dueAt: dueIn(5 * HOUR + 12 * MIN + 30_000) }, '5h 12m left', '#dfb317'],
  ['due soon, minutes', { dueAt: dueIn(7 * MIN) }, '7m left', '#dfb317'],
  ['due soon, seconds', { dueAt: dueIn(20_000) }, '<1m left', '#dfb317'],
  ['overdue', { dueAt: dueIn(-2 * HOUR) }, 'overdue 2h', '#e05d44'],
  ['overdue, days', { dueAt: dueIn(-(DAY + 3 * HOUR + 5 * MIN)) }, 'overdue 1d 3h', '#e05d44'],
  ['completed early', { status: 'completed', completedAt: dueIn(-DAY), dueAt: dueIn(DAY) }, 'done', '#007ec6'],
  ['completed late', { status: 'completed', completedAt: dueIn(0), dueAt: dueIn(-HOUR) }, 'done late', '#fe7d37'],
  ['cancelled', { status: 'cancelled', cancelledAt: NOW }, 'cancelled', '#9f9f9f'],
  ['untracked while active', { tracked: false }, 'untracked', '#9f9f9f'],
  ['untracked but done', { tracked: false, status: 'completed', completedAt: dueIn(-DAY) }, 'done', '#007ec6'],
];

describe('badgeMessage', () => {
  test.each(cases)('%s', (_name, over, message, color) => {
    expect(badgeMessage(view(over))).toEqual({ label: 'deadline', message, color });
  });
});

describe('renderBadge', () => {
  test.each(cases)('%s: well-formed, labelled SVG', (_name, over, message, color) => {
    const svg = renderBadge(view(over));
    assertWellFormedXml(svg);
    const label = `deadline: ${message}`.replace(/</g, '&lt;');
    expect(svg).toContain(`role="img"`);
    expect(svg).toContain(`aria-label="${label}"`);
    expect(svg).toContain(`<title>${label}</title>`);
    expect(svg).toContain(`fill="${color}"`);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  test('width follows the text', () => {
    const short = renderBadge(view({ status: 'completed', completedAt: dueIn(-DAY) }));
    const long = renderBadge(view({ dueAt: dueIn(-(DAY + 3 * HOUR)) }));
    const width = (svg: string): number => Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
    expect(width(short)).toBeLessThan(width(long));
  });

  test('hostile titles never reach the SVG', () => {
    for (const title of HOSTILE_TITLES) {
      const svg = renderBadge(view({ title }));
      assertWellFormedXml(svg);
      expect(svg).not.toContain('alert');
    }
  });


});

describe('renderShields', () => {
  test.each(cases)('%s', (_name, over, message, color) => {
    const json = renderShields(view(over));
    expect(json).toEqual({ schemaVersion: 1, label: 'deadline', message, color: color.slice(1), cacheSeconds: 300 });
    // The endpoint schema: strings, hex colour shields.io accepts, cacheSeconds ≥ 300.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.color).toMatch(/^([\da-f]{3}){1,2}$/i);
  });

  test('agrees with the SVG badge', () => {
    for (const [, over] of cases) {
      const v = view(over);
      const { message, color } = badgeMessage(v);
      expect(renderShields(v).message).toBe(message);
      expect(`#${renderShields(v).color}`).toBe(color);
    }
    expect(Object.values(BADGE_COLORS)).toContain('#e05d44');
  });
});
