import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Renders GitDone's kustomizations and checks every object against the official Kubernetes
 * schemas, offline: kubectl's built-in kustomize renders, `kubernetes-models` validates (the
 * API's OpenAPI schemas compiled for ajv; versions of the current Kubernetes release).
 */

/** A rendered Kubernetes object; fields are read by the tests as they need them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, any>;

export interface Kubectl {
  bin: string;
  kustomizeVersion: string;
}

/** kubectl whose kustomize is version 5 or newer (kubectl ≥ 1.27), from KUBECTL or PATH. */
export function findKubectl(): Kubectl | undefined {
  const bin = process.env.KUBECTL || 'kubectl';
  const r = spawnSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return undefined;
  const kustomizeVersion = (JSON.parse(r.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  return Number(/^v(\d+)\./.exec(kustomizeVersion)?.[1] ?? 0) >= 5 ? { bin, kustomizeVersion } : undefined;
}

/** `kubectl kustomize <dir>`, parsed. */
export function render(kubectl: Kubectl, dir: string): K8sObject[] {
  const r = spawnSync(kubectl.bin, ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr || r.error?.message}`);
  return parseDocuments(r.stdout, dir);
}

/**
 * Without kubectl: a kustomization that only lists resource files renders to exactly those
 * files, so read them. Anything more (patches, images, other kustomizations) needs kubectl.
 */
export function readPlainKustomization(dir: string): K8sObject[] {
  const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const extra = Object.keys(k).filter((key) => !['apiVersion', 'kind', 'resources'].includes(key));
  if (extra.length) throw new Error(`${dir}/kustomization.yaml uses ${extra.join(', ')}: rendering it needs kubectl`);
  return (k.resources as string[]).flatMap((file) => parseDocuments(readFileSync(path.join(dir, file), 'utf8'), `${dir}/${file}`));
}

function parseDocuments(text: string, where: string): K8sObject[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });
}

/**
 * Checks one object against the schema of its apiVersion and kind. Returns the problems
 * (empty when valid): an unknown apiVersion or kind is one.
 */
export async function schemaProblems(obj: K8sObject): Promise<string[]> {
  const where = `${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}`;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return [`${where}: apiVersion and kind are required`];
  let models: Record<string, unknown>;
  try {
    models = (await import(`kubernetes-models/${obj.apiVersion}`)) as Record<string, unknown>;
  } catch (err) {
    return [`${where}: unknown apiVersion ${obj.apiVersion} (${(err as Error).message})`];
  }
  const Model = models[obj.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (typeof Model !== 'function') return [`${where}: ${obj.apiVersion} has no kind ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [`${where}: ${(err as Error).message}`];
  }
}

/** One object after another: jest's ESM loader fails on concurrent first imports of one module. */
export async function allSchemaProblems(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const obj of objects) problems.push(...(await schemaProblems(obj)));
  return problems;
}
