import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The playground (its stand-in GitHub included) is loaded by its own entry only: nothing
 * else in src/ imports it, so `npm start` and the production build never carry it
 * (tsconfig.build.json leaves the folder out as well).
 */
const SRC = new URL('../../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('the playground’s boundary', () => {
  test('no module outside src/playground imports it', () => {
    const outside = files(SRC).filter((f) => !f.startsWith(path.join(SRC, 'playground') + path.sep));
    expect(outside.length).toBeGreaterThan(30);
    const importers = outside.filter((f) => /(?:\bfrom\s*|\bimport\s*\(?\s*)['"][./]*(?:[^'"]*\/)?playground\//.test(readFileSync(f, 'utf8')));
    expect(importers).toEqual([]);
  });

  test('the production build leaves it out', () => {
    const build = JSON.parse(readFileSync(new URL('../../../tsconfig.build.json', import.meta.url), 'utf8')) as { exclude?: string[] };
    expect(build.exclude).toContain('src/playground');
  });
});
