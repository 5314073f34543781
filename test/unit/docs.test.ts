import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository documents itself: README and docs/ stay inside it, their links resolve, and
 * every environment variable the code reads is in docs/configuration.md.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const docs = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

describe('documentation', () => {
  test.each(docs)('%s points nowhere outside the repository', (file) => {
    const text = read(file);
    expect(text).not.toMatch(/SPEC\.md|\.\.\/shared|shared\/ folder/);
    const prose = text.replace(/^```[\s\S]*?^```/gm, ''); // examples in code blocks are not links
    const links = [...prose.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    const broken = links.filter((l) => !existsSync(path.resolve(path.dirname(path.join(ROOT, file)), l)));
    expect(broken).toEqual([]);
  });

  test('every environment variable the code reads is documented in docs/configuration.md', () => {
    const configuration = read('docs/configuration.md');
    const read_ = new Set<string>();
    for (const file of sources('src')) {
      for (const m of read(file).matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) read_.add(m[1]!);
    }
    for (const file of [...sources('bench'), ...sources('test')]) {
      for (const m of read(file).matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) read_.add(m[1]!);
    }
    // Set by the test run itself, or the system's own (PATH).
    const internal = (v: string) => v.startsWith('GITDONE_TEST_') || v === 'PATH';
    const undocumented = [...read_].filter((v) => !internal(v) && !configuration.includes(`\`${v}\``));
    expect(read_.size).toBeGreaterThan(20);
    expect(undocumented).toEqual([]);
  });
});
