import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../src/local/package-root.js';
import { DASHBOARD_PANELS, dashboard } from '../../src/manifests/dashboard.js';
import { installCrd, type Stack, startStack } from '../support/operator.js';

const run = promisify(execFile);

interface Rule {
  alert: string;
  expr: string;
}

/**
 * The chart's PrometheusRule under the real promtool (built from the Prometheus Go module): its rules load,
 * its unit tests (test/alerts/alerts.test.yaml) fire each alert once and keep it silent once, and every
 * metric a rule reads is one the running operator exports.
 */
describe('the chart’s alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
  let promtool = '';
  let rules: Rule[] = [];
  let stack: Stack | undefined;

  beforeAll(async () => {
    const built = await run('bash', [join(packageRoot(), 'test/tools/build-promtool.sh')], {
      maxBuffer: 64 << 20,
    });
    promtool = built.stdout.trim().split('\n').pop() ?? '';
    const rendered = await run(inject('helmPath'), [
      'template',
      'personalize-operator',
      join(packageRoot(), 'charts/personalize-operator'),
      '--set',
      'prometheusRule.enabled=true',
      '--show-only',
      'templates/prometheusrule.yaml',
    ]);
    const groups = (parse(rendered.stdout) as { spec: { groups: { rules: Rule[] }[] } }).spec.groups;
    rules = groups.flatMap((g) => g.rules);
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    copyFileSync(join(packageRoot(), 'test/alerts/alerts.test.yaml'), join(dir, 'alerts.test.yaml'));
  }, 900_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('load in promtool, and its unit tests fire and silence every alert', async () => {
    const checked = await run(promtool, ['check', 'rules', join(dir, 'rules.yaml')]);
    expect(checked.stdout).toMatch(/SUCCESS: 12 rules found/);
    const tested = await run(promtool, ['test', 'rules', join(dir, 'alerts.test.yaml')]).catch(
      (e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout}${e.stderr}`, failed: true }),
    );
    expect(tested, tested.stdout).not.toHaveProperty('failed');
    expect(tested.stdout).toMatch(/SUCCESS/);
    const tests = parse(readFileSync(join(dir, 'alerts.test.yaml'), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const { alert } of rules) {
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0),
        `${alert} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0),
        `${alert} stays silent`,
      ).toBe(true);
    }
  });

  it('ship a dashboard whose every query promtool compiles', async () => {
    const records = DASHBOARD_PANELS.flatMap((panel, i) =>
      panel.targets.map((t, j) => ({
        record: `dashboard:panel_${i + 1}_${j + 1}`,
        expr: t.expr.replaceAll('$job', 'personalize-operator-metrics'),
      })),
    );
    writeFileSync(
      join(dir, 'dashboard-rules.yaml'),
      stringify({ groups: [{ name: 'dashboard', rules: records }] }),
    );
    const checked = await run(promtool, ['check', 'rules', join(dir, 'dashboard-rules.yaml')]);
    expect(checked.stdout).toMatch(new RegExp(`SUCCESS: ${records.length} rules found`));
    const rendered = await run(inject('helmPath'), [
      'template',
      'x',
      join(packageRoot(), 'charts/personalize-operator'),
      '--set',
      'grafanaDashboard.enabled=true',
      '--show-only',
      'templates/grafana-dashboard.yaml',
    ]);
    const configMap = parse(rendered.stdout) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(configMap.data['personalize-operator.json'] ?? '{}')).toEqual(dashboard());
  });

  it('read only metrics the running operator exports, as does the dashboard', async () => {
    await installCrd();
    stack = await startStack();
    const operator = await stack.startOperator({ metricsAddr: { host: '127.0.0.1', port: 0 } });
    const exported = new Set(
      [...(await (await fetch(`${operator.metricsUrl}/metrics`)).text()).matchAll(/^# TYPE (\S+) /gm)].map(
        (m) => m[1],
      ),
    );
    const queries = [
      ...rules.map((r) => r.expr),
      ...DASHBOARD_PANELS.flatMap((p) => p.targets.map((t) => t.expr)),
    ];
    const used = new Set(queries.flatMap(metricNames));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(12);
  });
});

/** The metric names a PromQL expression reads (histogram suffixes folded), without its functions and labels. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without) \([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b(?!\s*\()/g)].map((m) =>
    (m[1] ?? '').replace(/_(count|sum|bucket)$/, ''),
  );
}
