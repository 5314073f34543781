import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../src/http/metrics.js';

/**
 * deploy/kubernetes/alerts: the PrometheusRule parses, every expression is valid PromQL
 * (Prometheus' own grammar, @prometheus-io/lezer-promql) naming only metrics GitDone
 * exports, and every alert has a severity, a summary and a runbook section in
 * docs/operations.md. The checks are shown to catch a breach. (kubernetes-models has no
 * PrometheusRule type, and promtool is not at hand, so these are the offline equivalents.)
 */

const RULES = path.resolve('deploy/kubernetes/alerts/prometheus-rule.yaml');
const OPERATIONS = path.resolve('docs/operations.md');

interface Rule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every series name GitDone's registry exports (histograms as their _bucket, _sum and _count). */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await createMetrics().registry.getMetricsAsJSON()) {
    if (['histogram', 'summary'].includes(String(m.type))) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    names.add(m.name);
  }
  return names;
}

/** PromQL syntax errors, and the metric names the expression selects. */
function analyse(expr: string): { errors: string[]; metrics: string[] } {
  const errors: string[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics };
}

/** GitHub's heading anchors in a Markdown file. */
function anchors(markdown: string): Set<string> {
  const slugs = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-'),
  );
  return new Set(slugs);
}

function problems(rules: Rule[], exported: Set<string>, docAnchors: Set<string>): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const name = rule.alert ?? rule.record ?? '(unnamed)';
    if (!rule.expr) {
      out.push(`${name}: no expr`);
      continue;
    }
    const { errors, metrics } = analyse(rule.expr);
    out.push(...errors.map((e) => `${name}: ${e}`));
    if (metrics.length === 0) out.push(`${name}: selects no metric`);
    for (const m of metrics) if (!exported.has(m)) out.push(`${name}: ${m} is not a metric GitDone exports`);
    if (rule.alert) {
      if (!['critical', 'warning'].includes(rule.labels?.severity ?? '')) out.push(`${name}: severity must be critical or warning`);
      if (!rule.annotations?.summary) out.push(`${name}: no summary`);
      const anchor = /^docs\/operations\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
      if (!anchor || !docAnchors.has(anchor)) out.push(`${name}: runbook_url must be docs/operations.md#<a section there>, got ${rule.annotations?.runbook_url}`);
      if (rule.for !== undefined && !/^\d+[smh]$/.test(rule.for)) out.push(`${name}: for must be a duration`);
    }
  }
  return out;
}

const doc = parseYaml(readFileSync(RULES, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { groups: Array<{ name: string; rules: Rule[] }> } };
const rules = doc.spec.groups.flatMap((g) => g.rules);

describe('deploy/kubernetes/alerts/prometheus-rule.yaml', () => {
  test('a PrometheusRule with one group of uniquely named alerts', () => {
    expect(doc).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'gitdone' } });
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  test('every expression parses and names only GitDone metrics; every alert has a severity, a summary and a runbook', async () => {
    const exported = await exportedNames();
    expect(problems(rules, exported, anchors(readFileSync(OPERATIONS, 'utf8')))).toEqual([]);
  });

  test('the checks catch a made-up metric, broken PromQL, and a runbook that is not there', async () => {
    const exported = await exportedNames();
    const bad: Rule[] = [
      { alert: 'A', expr: 'rate(gitdone_made_up_total[5m]) > 0', labels: { severity: 'warning' }, annotations: { summary: 's', runbook_url: 'docs/operations.md#alerts' } },
      { alert: 'B', expr: 'sum(rate(gitdone_jobs_total[5m]) > ', labels: { severity: 'warning' }, annotations: { summary: 's', runbook_url: 'docs/operations.md#alerts' } },
      { alert: 'C', expr: 'up == 0', labels: { severity: 'page' }, annotations: { summary: 's', runbook_url: 'docs/operations.md#nowhere' } },
    ];
    const found = problems(bad, exported, anchors(readFileSync(OPERATIONS, 'utf8')));
    expect(found).toEqual(
      expect.arrayContaining([
        'A: gitdone_made_up_total is not a metric GitDone exports',
        expect.stringMatching(/^B: syntax error/),
        'C: up is not a metric GitDone exports',
        'C: severity must be critical or warning',
        'C: runbook_url must be docs/operations.md#<a section there>, got docs/operations.md#nowhere',
      ]),
    );
  });
});
