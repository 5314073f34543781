import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

/**
 * .github/workflows: every file passes action-validator (GitHub's workflow schema, plus the
 * references between jobs), and the two workflows do what forks rely on: CI runs the
 * README's `npm install && npm test` against PostgreSQL with Chromium; a version tag builds,
 * smoke-tests and pushes the image to ghcr.io.
 */

const WORKFLOWS = path.resolve('.github/workflows');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** Every problem, including those inside a "OneOf conditions are not met" (which nests the reasons). */
function lint(source: string): string[] {
  const flatten = (errors: Any[]): string[] =>
    errors.flatMap((e) => [`${e.path ?? ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}`, ...flatten((e.states ?? []).flatMap((s: Any) => s.errors))]);
  return flatten(validateWorkflow(source).errors);
}

const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8');
const runs = (job: Any): string => (job.steps ?? []).map((s: Any) => s.run ?? '').join('\n');
const uses = (job: Any): string[] => (job.steps ?? []).map((s: Any) => s.uses).filter(Boolean);

describe('.github/workflows', () => {
  test.each(readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)))('%s passes the workflow linter', (file) => {
    expect(lint(read(file))).toEqual([]);
  });

  test('ci.yml: npm install && npm test against a PostgreSQL service, with Debian Chromium, then lint', () => {
    const ci = parse(read('ci.yml')) as Any;
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_call']));
    const job = ci.jobs.test;
    expect(job.services.postgres.image).toMatch(/^postgres:\d+/);
    expect(job.env.DATABASE_URL).toMatch(/^postgres:\/\/postgres:[^@]+@postgres:5432\//);
    expect(job.env.CHROMIUM_PATH).toBe('/usr/bin/chromium');
    const script = runs(job);
    expect(script).toMatch(/apt-get install .*chromium/);
    expect(script.indexOf('npm install')).toBeGreaterThanOrEqual(0);
    expect(script.indexOf('npm test')).toBeGreaterThan(script.indexOf('npm install'));
    expect(script).toMatch(/npm run lint/);
    expect(script).not.toMatch(/npm ci\b/); // README: the lock file cannot satisfy npm ci on every mirror
    // test/deploy renders the manifests with kustomize 5, and must not skip that here.
    expect(uses(job).some((u) => u.startsWith('azure/setup-kubectl@'))).toBe(true);
    expect(job.env.GITDONE_TEST_REQUIRE_KUBECTL).toBe('1');
  });

  test('release.yml: on a version tag, tested first, then built, smoke-tested and pushed to ghcr.io', () => {
    const release = parse(read('release.yml')) as Any;
    expect(release.on.push.tags).toEqual(['v*']);
    expect(release.jobs.test.uses).toBe('./.github/workflows/ci.yml');
    const image = release.jobs.image;
    expect(image.needs).toBe('test');
    expect(image.permissions.packages).toBe('write');
    const steps: Any[] = image.steps;
    const smoke = steps.findIndex((s) => /smoke-image\.sh/.test(s.run ?? ''));
    const push = steps.findIndex((s) => s.uses?.startsWith('docker/build-push-action@') && s.with?.push === true);
    expect(smoke).toBeGreaterThan(0);
    expect(push).toBeGreaterThan(smoke);
    expect(existsSync(path.resolve('deploy/smoke-image.sh'))).toBe(true);
    expect(steps.find((s) => s.uses?.startsWith('docker/login-action@'))?.with.registry).toBe('ghcr.io');
    expect(steps.find((s) => s.uses?.startsWith('docker/metadata-action@'))?.with.images).toBe('ghcr.io/${{ github.repository }}');
  });

  const ci = read('ci.yml');
  const breaches: Array<[string, string, RegExp]> = [
    ['a misspelt job key', ci.replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04'), /Additional property 'runs_on' is not allowed/],
    ['a misspelt step key', ci.replace('- name: npm test', '- nam: npm test'), /Additional property 'nam' is not allowed/],
    ['a timeout in words', ci.replace('timeout-minutes: 30', 'timeout-minutes: thirty'), /timeout-minutes/],
    ['an unknown event', ci.replace('  pull_request:\n', '  pull_requests:\n'), /\/on/],
    ['a job that needs a missing job', ci.replace('    runs-on: ubuntu-24.04', '    needs: build\n    runs-on: ubuntu-24.04'), /unresolved job build/],
    ['broken YAML', ci.replace('jobs:\n', 'jobs:\n  - [\n'), /Parse Error/],
  ];
  test.each(breaches)('a broken workflow is caught: %s', (_name, source, expected) => {
    expect(source).not.toBe(ci);
    expect(lint(source).join('\n')).toMatch(expected);
  });
});
