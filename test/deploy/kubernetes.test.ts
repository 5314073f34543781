import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allSchemaProblems, findKubectl, readPlainKustomization, render, type K8sObject } from './kubernetes.js';

/**
 * deploy/kubernetes: rendered the way operators render it (kubectl's kustomize), every object
 * valid against the Kubernetes schemas, and GitDone's operating rules kept (replicas, probes,
 * secrets, shutdown, non-root, metrics never public). Each rule is shown to catch a breach.
 */

const KUBE = path.resolve('deploy/kubernetes');
const BASE = path.join(KUBE, 'base');
const EXAMPLE = path.join(KUBE, 'example');
const PUBLIC_PORT = 3000;
const METRICS_PORT = 9464;

const kubectl = findKubectl();
if (!kubectl) {
  console.warn(
    '\n*** deploy/kubernetes: no kubectl with kustomize ≥ 5 (KUBECTL or PATH): the base is read as plain files and the ' +
      'example overlay is not rendered. Install kubectl ≥ 1.27 to check it all. ***\n',
  );
}
const withKubectl = kubectl ? test : test.skip;
const renderOrRead = (dir: string) => (kubectl ? render(kubectl, dir) : readPlainKustomization(dir));
let baseObjects: K8sObject[] | undefined;
const renderedBase = () => (baseObjects ??= renderOrRead(BASE));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** GitDone's rules for its manifests; returns what is broken (empty when all is well). */
function ruleProblems(objects: K8sObject[], opts: { overlay?: boolean } = {}): string[] {
  const problems: string[] = [];
  const check = (ok: unknown, problem: string) => void (ok ? undefined : problems.push(problem));
  const find = (kind: string, name: string): Any => objects.find((o) => o.kind === kind && o.metadata?.name === name);

  const deployment = find('Deployment', 'gitdone');
  const pod = deployment?.spec?.template?.spec;
  const c = pod?.containers?.find((x: Any) => x.name === 'gitdone');
  if (!c) return ['no Deployment gitdone with a container gitdone'];
  const env: Record<string, Any> = Object.fromEntries((c.env ?? []).map((e: Any) => [e.name, e]));
  const value = (name: string): string | undefined => env[name]?.value;
  const containerPort = (p: unknown): number | undefined => (typeof p === 'number' ? p : c.ports?.find((x: Any) => x.name === p)?.containerPort);
  const podLabels: Record<string, string> = deployment.spec.template.metadata?.labels ?? {};
  const selectsPods = (selector: Record<string, string> | undefined) =>
    !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);

  check(deployment.spec.replicas >= 2, 'the Deployment runs at least 2 replicas');
  check(deployment.spec.strategy?.rollingUpdate?.maxUnavailable === 0, 'a rollout never drops below the ready replicas (maxUnavailable 0)');
  check(selectsPods(deployment.spec.selector?.matchLabels), "the Deployment's selector matches its pods");

  check(value('NODE_ENV') === 'production', 'NODE_ENV=production');
  check(value('HOST') === '0.0.0.0', 'HOST=0.0.0.0 (Probot binds localhost otherwise)');
  check(value('PORT') === String(PUBLIC_PORT) && containerPort('http') === PUBLIC_PORT, `PORT ${PUBLIC_PORT} is the container port "http"`);
  check(value('METRICS_PORT') === String(METRICS_PORT) && containerPort('metrics') === METRICS_PORT, `METRICS_PORT ${METRICS_PORT} is the container port "metrics"`);
  check(/^https?:\/\/[^/]+$/.test(value('PUBLIC_URL') ?? ''), 'PUBLIC_URL is an absolute URL without a path');
  for (const name of ['APP_ID', 'WEBHOOK_SECRET', 'DATABASE_URL']) {
    check(env[name]?.valueFrom?.secretKeyRef?.name && env[name].valueFrom.secretKeyRef.key, `${name} comes from a Secret`);
  }
  check(!env.PRIVATE_KEY, 'the private key is a mounted file (PRIVATE_KEY_PATH), not an environment variable');
  const keyPath = value('PRIVATE_KEY_PATH') ?? '';
  const keyMount = c.volumeMounts?.find((m: Any) => keyPath.startsWith(`${m.mountPath}/`));
  const keyVolume = pod.volumes?.find((v: Any) => v.name === keyMount?.name);
  check(
    keyVolume?.secret?.items?.some((i: Any) => path.posix.join(keyMount.mountPath, i.path) === keyPath),
    'PRIVATE_KEY_PATH names a file mounted from a Secret',
  );
  // 0440 with fsGroup, or readable by all: the key must be readable by uid 1000, never writable.
  const mode = keyVolume?.secret?.defaultMode ?? 0o644;
  check((mode & 0o222) === 0 || mode === 0o644, 'the key file is not writable');

  const probe = (p: Any, pathName: string) => p?.httpGet?.path === pathName && containerPort(p.httpGet.port) === PUBLIC_PORT;
  check(probe(c.readinessProbe, '/readyz'), 'readiness probes /readyz on the public port');
  check(probe(c.livenessProbe, '/healthz'), 'liveness probes /healthz on the public port');

  const preStop = c.lifecycle?.preStop;
  const preStopSeconds = preStop?.sleep?.seconds ?? (preStop?.exec?.command?.[0] === 'sleep' ? Number(preStop.exec.command[1]) : 0);
  const drainSeconds = Number(value('GITDONE_SHUTDOWN_TIMEOUT_MS') ?? 20_000) / 1000;
  check(
    (pod.terminationGracePeriodSeconds ?? 30) >= preStopSeconds + drainSeconds + 1,
    `terminationGracePeriodSeconds covers preStop (${preStopSeconds} s) + the drain (${drainSeconds} s)`,
  );

  check(pod.securityContext?.runAsNonRoot === true, 'pods run as non-root');
  check((c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser) === 1000, "pods run as the image's node user (uid 1000)");
  check(c.securityContext?.readOnlyRootFilesystem === true, 'the root filesystem is read-only');
  check(c.securityContext?.allowPrivilegeEscalation === false, 'no privilege escalation');
  check(c.securityContext?.capabilities?.drop?.includes('ALL'), 'all capabilities dropped');
  check(pod.enableServiceLinks === false, 'no service links (they would add GITDONE_* variables)');
  check(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, 'CPU and memory requests and a memory limit');

  const publicService = find('Service', 'gitdone');
  check(
    selectsPods(publicService?.spec?.selector) && publicService.spec.ports.every((p: Any) => containerPort(p.targetPort) === PUBLIC_PORT),
    'Service gitdone reaches the pods on the public port only',
  );
  const metricsService = find('Service', 'gitdone-metrics');
  check(
    selectsPods(metricsService?.spec?.selector) && metricsService.spec.ports.every((p: Any) => containerPort(p.targetPort) === METRICS_PORT),
    'Service gitdone-metrics reaches the pods on the metrics port only',
  );

  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget') as Any;
  check(
    pdb && selectsPods(pdb.spec.selector?.matchLabels) && (pdb.spec.minAvailable ?? 0) >= 1 && (pdb.spec.minAvailable ?? 0) < deployment.spec.replicas,
    'a PodDisruptionBudget keeps at least one replica and lets a node drain',
  );

  const job = find('Job', 'gitdone-migrate');
  const jc = job?.spec?.template?.spec?.containers?.[0];
  check(jc && jc.image === c.image, 'the migrate Job runs the same image as the Deployment');
  check(/(^| )dist\/src\/migrate\.js$/.test((jc?.command ?? []).join(' ')), 'the migrate Job runs dist/src/migrate.js');
  const jobDb = jc?.env?.find((e: Any) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
  check(jobDb && JSON.stringify(jobDb) === JSON.stringify(env.DATABASE_URL?.valueFrom?.secretKeyRef), 'the migrate Job uses the same DATABASE_URL Secret');
  check(job?.spec?.template?.spec?.restartPolicy === 'Never' && job.spec.template.spec.securityContext?.runAsNonRoot === true, 'the migrate Job runs once, as non-root');

  // Every Ingress backend must land on the public port: metrics are never exposed.
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as Any[]) {
    const backends: Array<{ where: string; service: Any }> = [];
    if (ingress.spec.defaultBackend?.service) backends.push({ where: 'defaultBackend', service: ingress.spec.defaultBackend.service });
    for (const rule of ingress.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) backends.push({ where: p.path, service: p.backend?.service });
    }
    for (const { where, service } of backends) {
      const svc = find('Service', service?.name);
      const svcPort = svc?.spec?.ports?.find((p: Any) => (service.port?.name ? p.name === service.port.name : p.port === service.port?.number));
      const target = svcPort && selectsPods(svc.spec.selector) ? containerPort(svcPort.targetPort) : undefined;
      check(target === PUBLIC_PORT, `Ingress ${ingress.metadata.name} ${where} reaches container port ${PUBLIC_PORT} (it reaches ${target ?? 'nothing'})`);
    }
    if (opts.overlay) {
      const routed = new Set(backends.map((b) => b.where));
      for (const required of ['/api/github/webhooks', '/embed/', '/board/', '/']) check(routed.has(required), `Ingress routes ${required}`);
    }
  }
  if (opts.overlay) {
    check(c.image !== 'gitdone' && !/:latest$/.test(c.image) && /:[\w.-]+$/.test(c.image), 'the overlay pins a released image version');
    check(objects.some((o) => o.kind === 'Ingress'), 'the example overlay has an Ingress');
  }
  return problems;
}

describe('deploy/kubernetes', () => {
  // The GitHub workflow installs kubectl and sets this, so that there a missing kubectl fails
  // instead of skipping the overlay. (Debian's kubectl is too old; machines without one still
  // check the base as plain files.)
  test('kubectl with kustomize ≥ 5 renders the manifests (required when GITDONE_TEST_REQUIRE_KUBECTL=1)', () => {
    if (process.env.GITDONE_TEST_REQUIRE_KUBECTL === '1') expect(kubectl?.kustomizeVersion).toMatch(/^v[5-9]|^v\d\d/);
  });

  test('base: every object is valid against the Kubernetes schemas and keeps the rules', async () => {
    const objects = renderedBase();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/gitdone',
      'Job/gitdone-migrate',
      'PodDisruptionBudget/gitdone',
      'Service/gitdone',
      'Service/gitdone-metrics',
    ]);
    expect(await allSchemaProblems(objects)).toEqual([]);
    expect(ruleProblems(objects)).toEqual([]);
  });

  withKubectl('example overlay: renders, valid, keeps the rules, routes the public paths and pins an image', async () => {
    const objects = render(kubectl!, EXAMPLE);
    expect(await allSchemaProblems(objects)).toEqual([]);
    expect(ruleProblems(objects, { overlay: true })).toEqual([]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['gitdone']));
  });

  // Each breach, made on the rendered base, is reported.
  const breaches: Array<[string, (objects: Any[]) => void, RegExp]> = [
    ['replicas as a word', (o) => (deployment(o).spec.replicas = 'two'), /spec\/replicas must be integer/],
    ['a container without a name', (o) => delete container(o).name, /containers\/0 must have required property '?name'?/],
    ['a misspelt kind', (o) => (deployment(o).kind = 'Deploymnet'), /apps\/v1 has no kind Deploymnet/],
    ['an unknown apiVersion', (o) => (deployment(o).apiVersion = 'apps/v2'), /unknown apiVersion apps\/v2/],
    ['a port as a string', (o) => (container(o).ports[0].containerPort = '3000'), /ports\/0\/containerPort must be integer/],
    ['one replica', (o) => (deployment(o).spec.replicas = 1), /at least 2 replicas/],
    ['readiness on /healthz', (o) => (container(o).readinessProbe.httpGet.path = '/healthz'), /readiness probes \/readyz/],
    ['liveness on the metrics port', (o) => (container(o).livenessProbe.httpGet.port = 'metrics'), /liveness probes \/healthz/],
    ['a grace period shorter than the drain', (o) => (deployment(o).spec.template.spec.terminationGracePeriodSeconds = 20), /terminationGracePeriodSeconds covers/],
    ['a writable root filesystem', (o) => (container(o).securityContext.readOnlyRootFilesystem = false), /read-only/],
    ['running as root', (o) => (deployment(o).spec.template.spec.securityContext.runAsUser = 0), /uid 1000/],
    ['service links on', (o) => delete deployment(o).spec.template.spec.enableServiceLinks, /service links/],
    ['the webhook secret inline', (o) => (env(o, 'WEBHOOK_SECRET').valueFrom = undefined), /WEBHOOK_SECRET comes from a Secret/],
    ['the key in the environment', (o) => container(o).env.push({ name: 'PRIVATE_KEY', value: 'x' }), /mounted file/],
    ['the key path off the mount', (o) => (env(o, 'PRIVATE_KEY_PATH').value = '/etc/key.pem'), /PRIVATE_KEY_PATH names a file/],
    ['no HOST', (o) => (env(o, 'HOST').value = 'localhost'), /HOST=0\.0\.0\.0/],
    ['a migrate Job on another image', (o) => (find(o, 'Job').spec.template.spec.containers[0].image = 'gitdone:old'), /same image/],
    ['a PDB that selects nothing', (o) => (find(o, 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'other' }), /PodDisruptionBudget/],
    ['the public Service on the metrics port', (o) => (service(o, 'gitdone').spec.ports[0].targetPort = 'metrics'), /Service gitdone reaches/],
    [
      'an Ingress exposing /metrics',
      (o) => o.push(ingress([{ path: '/metrics', service: 'gitdone-metrics', port: 'metrics' }])),
      /Ingress gitdone \/metrics reaches container port 3000 \(it reaches 9464\)/,
    ],
    [
      'an Ingress to a Service that does not exist',
      (o) => o.push(ingress([{ path: '/', service: 'gitdone-web', port: 'http' }])),
      /it reaches nothing/,
    ],
  ];
  test.each(breaches)('a broken manifest is caught: %s', async (_name, breakIt, expected) => {
    const objects = structuredClone(renderedBase()) as Any[];
    breakIt(objects);
    const problems = [...(await allSchemaProblems(objects)), ...ruleProblems(objects)];
    expect(problems.join('\n')).toMatch(expected);
  });

  test('a broken file in a copy of the base fails the same render and validation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitdone-kube-'));
    try {
      cpSync(BASE, dir, { recursive: true });
      const file = path.join(dir, 'deployment.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: two'));
      expect((await allSchemaProblems(renderOrRead(dir))).join('\n')).toMatch(/Deployment\/gitdone: data\/spec\/replicas must be integer/);
      writeFileSync(file, 'kind: Deployment\n  metadata: [\n');
      expect(() => renderOrRead(dir)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/kubernetes/release.sh, with a stand-in kubectl that records its calls', () => {
  function release(waitExit: number): { status: number | null; calls: string[]; stderr: string } {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitdone-release-'));
    try {
      const log = path.join(dir, 'calls');
      const fake = path.join(dir, 'kubectl');
      writeFileSync(
        fake,
        `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\n` +
          `case " $* " in\n` +
          `  " kustomize "*) printf 'apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: gitdone\\n  namespace: gitdone\\n' ;;\n` +
          `  *" wait "*) exit ${waitExit} ;;\n` +
          `esac\n`,
      );
      chmodSync(fake, 0o755);
      const r = spawnSync('bash', [path.join(KUBE, 'release.sh'), EXAMPLE], { env: { ...process.env, KUBECTL: fake }, encoding: 'utf8', timeout: 20_000 });
      const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.replace(EXAMPLE, '<overlay>'));
      return { status: r.status, calls, stderr: r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('migrates first (a new Job, waited for), then rolls out, all in the overlay’s namespace', () => {
    const r = release(0);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      'kustomize <overlay>',
      '--namespace gitdone delete job gitdone-migrate --ignore-not-found --wait=true',
      '--namespace gitdone apply -k <overlay> --selector app.kubernetes.io/component=migrate',
      '--namespace gitdone wait job/gitdone-migrate --for=condition=complete --timeout=10m',
      '--namespace gitdone apply -k <overlay>',
      '--namespace gitdone rollout status deployment/gitdone --timeout=10m',
    ]);
  });

  test('a migration that does not complete stops the release before the pods change', () => {
    const r = release(1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/migrations did not complete; the running release is untouched/);
    expect(r.calls).not.toContain('--namespace gitdone apply -k <overlay>');
    expect(r.calls.some((c) => c.includes('rollout'))).toBe(false);
  });
});

function find(objects: Any[], kind: string, name?: string): Any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
}
function deployment(objects: Any[]): Any {
  return find(objects, 'Deployment', 'gitdone');
}
function service(objects: Any[], name: string): Any {
  return find(objects, 'Service', name);
}
function container(objects: Any[]): Any {
  return deployment(objects).spec.template.spec.containers[0];
}
function env(objects: Any[], name: string): Any {
  return container(objects).env.find((e: Any) => e.name === name);
}
function ingress(paths: Array<{ path: string; service: string; port: string }>): Any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'gitdone' },
    spec: {
      rules: [
        {
          host: 'gitdone.example.com',
          http: { paths: paths.map((p) => ({ path: p.path, pathType: 'Prefix', backend: { service: { name: p.service, port: { name: p.port } } } })) },
        },
      ],
    },
  };
}
