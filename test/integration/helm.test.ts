import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { GROUP, VERSION } from '../../src/api/group.js';
import { PLURAL } from '../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../src/kinds/dataset-export-job/types.js';
import { datasetImportJob } from '../../src/kinds/dataset-import-job/manifest.js';
import { IMPORT_PLURAL } from '../../src/kinds/dataset-import-job/schema.js';
import { crds } from '../../src/kinds/index.js';
import { packageRoot } from '../../src/local/package-root.js';
import { renderManifests } from '../../src/manifests/render.js';
import { startOperator } from '../../src/operator.js';
import { demoDataset, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../support/kube.js';
import { createJob, FAST, installCrd, spec } from '../support/operator.js';

const CRD_NAME = crds()[0]?.metadata.name ?? '';

const run = promisify(execFile);
const chart = join(packageRoot(), 'charts/personalize-operator');

async function helm(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(inject('helmPath'), ['--kubeconfig', inject('kubeconfigPath'), ...args], {
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

type Doc = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};
const HELM_LABELS = [
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'helm.sh/chart',
];

function docs(yaml: string): Doc[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

function withoutHelmLabels(doc: Doc): Doc {
  const labels = Object.fromEntries(
    Object.entries(doc.metadata.labels ?? {}).filter(([k]) => !HELM_LABELS.includes(k)),
  );
  return { ...doc, metadata: { ...doc.metadata, labels } };
}

describe('Helm chart', () => {
  it('passes helm lint --strict', async () => {
    expect(await helm(['lint', '--strict', chart])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('rejects values of the wrong type, naming the value', async () => {
    await expect(helm(['template', 'x', chart, '--set', 'replicas=two'])).rejects.toThrow(
      /at '\/replicas': got string, want integer/,
    );
    await expect(helm(['template', 'x', chart, '--set', 'image.pullPolicy=Sometimes'])).rejects.toThrow(
      /at '\/image\/pullPolicy'/,
    );
    await expect(helm(['template', 'x', chart, '--set', 'regon=us-east-1'])).rejects.toThrow(
      /additional properties 'regon' not allowed/,
    );
  });

  it('renders exactly what the cdk8s app generates, but for Helm labels and the Namespace', async () => {
    const rendered = docs(
      await helm(['template', 'personalize-operator', chart, '-n', 'personalize-operator']),
    ).map(withoutHelmLabels);
    const generated = docs(renderManifests()['deploy/personalize-operator.yaml']!).filter(
      (d) => d.kind !== 'Namespace',
    );
    const byKey = (list: Doc[]) => Object.fromEntries(list.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
    const chartCrds = rendered.filter((d) => d.kind === 'CustomResourceDefinition');
    expect(chartCrds.map((d) => d.metadata.name)).toEqual(crds().map((c) => c.metadata.name));
    for (const chartCrd of chartCrds) {
      const crd = docs(renderManifests()[`crds/${chartCrd.metadata.name}.yaml`]!)[0]!;
      expect(chartCrd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      expect({ ...chartCrd, metadata: { name: chartCrd.metadata.name, labels: {} } }).toEqual({
        ...crd,
        metadata: { ...crd.metadata, labels: {} },
      });
    }
    expect(byKey(rendered.filter((d) => d.kind !== 'CustomResourceDefinition'))).toEqual(
      byKey(generated.map((d) => ({ ...d, metadata: { ...d.metadata, labels: d.metadata.labels ?? {} } }))),
    );
  });

  it('turns leader election on for more than one replica', async () => {
    expect(await helm(['template', 'x', chart])).not.toContain('--leader-elect');
    const two = await helm(['template', 'x', chart, '-n', 'ops', '--set', 'replicas=2']);
    expect(two).toContain('- --leader-elect\n');
    expect(two).toContain('- --leader-election-namespace=ops\n');
  });

  it('is accepted by the real API server (server-side dry run)', async () => {
    const namespace = await createTestNamespace(testKubeConfig(), 'helm-dry');
    const rendered = await helm([
      'template',
      'personalize-operator',
      chart,
      '-n',
      namespace,
      '--set',
      'metrics.serviceMonitor.enabled=false',
    ]);
    const out = await kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], rendered);
    expect(out).toMatch(/deployment\.apps\/personalize-operator created \(server dry run\)/);
    expect(out).toMatch(
      /clusterrole\.rbac\.authorization\.k8s\.io\/personalize-operator (created|configured) \(server dry run\)/,
    );
  });
});

/** prometheus-operator's kinds, reduced to what the API server needs to store them (the real CRDs are large). */
const monitoringCrd = (kind: string, plural: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.monitoring.coreos.com` },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
});

describe('the chart with every optional piece', () => {
  const everything = [
    '--set',
    'replicas=2',
    '--set',
    'networkPolicy.enabled=true',
    '--set',
    'prometheusRule.enabled=true',
    '--set',
    'grafanaDashboard.enabled=true',
    '--set',
    'metrics.serviceMonitor.enabled=true',
    '--set',
    'argocd.healthCheck.enabled=true',
  ];

  it('renders a PodDisruptionBudget only for more than one replica, and a NetworkPolicy only when asked', async () => {
    const one = docs(await helm(['template', 'x', chart]));
    expect(one.map((d) => d.kind)).not.toContain('PodDisruptionBudget');
    expect(one.map((d) => d.kind)).not.toContain('NetworkPolicy');
    const all = docs(await helm(['template', 'x', chart, ...everything]));
    for (const kind of ['PodDisruptionBudget', 'NetworkPolicy', 'PrometheusRule', 'ServiceMonitor'])
      expect(all.map((d) => d.kind)).toContain(kind);
    await helm(['lint', '--strict', chart, ...everything]);
  });

  it('installs with every new value on the local control plane', async () => {
    const kc = testKubeConfig();
    const namespace = await createTestNamespace(kc, 'helm-all');
    const argocd = await createTestNamespace(kc, 'argocd');
    await kubectl(
      ['apply', '--server-side', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          monitoringCrd('PrometheusRule', 'prometheusrules'),
          monitoringCrd('ServiceMonitor', 'servicemonitors'),
        ],
      }),
    );
    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=30s',
      'crd/prometheusrules.monitoring.coreos.com',
    ]);
    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=30s',
      'crd/servicemonitors.monitoring.coreos.com',
    ]);
    // Cluster-scoped pieces (CRDs, ClusterRole) are the other release's: everything namespaced is applied here.
    const rendered = await helm([
      'template',
      'everything',
      chart,
      '-n',
      namespace,
      '--set',
      `argocd.healthCheck.namespace=${argocd}`,
      ...everything,
    ]);
    const withoutCrds = docs(rendered).filter(
      (d) =>
        d.kind !== 'CustomResourceDefinition' && d.kind !== 'ClusterRole' && d.kind !== 'ClusterRoleBinding',
    );
    const out = await kubectl(['apply', '-f', '-'], withoutCrds.map((d) => stringify(d)).join('---\n'));
    for (const made of [
      'poddisruptionbudget.policy',
      'networkpolicy.networking.k8s.io',
      'prometheusrule.monitoring.coreos.com',
      'servicemonitor.monitoring.coreos.com',
      'configmap/everything-personalize-operator-dashboard',
    ])
      expect(out).toContain(made);
  });
});

describe('chart RBAC for watched namespaces', () => {
  it('grants rights only in the watched namespaces', async () => {
    // can-i resolves the resource through discovery, so the CRD must be served.
    await installCrd();
    const admin = testKubeConfig();
    const [watched, other, ops] = [
      await createTestNamespace(admin, 'watched'),
      await createTestNamespace(admin, 'other'),
      await createTestNamespace(admin, 'ops'),
    ];
    const rendered = await helm([
      'template',
      'sharded',
      chart,
      '-n',
      ops,
      '--set',
      `watchNamespaces={${watched}}`,
    ]);
    const withoutCrd = docs(rendered).filter((d) => d.kind !== 'CustomResourceDefinition');
    await kubectl(['apply', '-f', '-'], withoutCrd.map((d) => stringify(d)).join('---\n'));
    const as = `system:serviceaccount:${ops}:sharded-personalize-operator`;
    const can = async (args: string[]) =>
      (
        await run(inject('kubectlPath'), [
          '--kubeconfig',
          inject('kubeconfigPath'),
          'auth',
          'can-i',
          ...args,
          '--as',
          as,
        ]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }))
      ).stdout.trim();
    // The API server's RBAC cache catches up with new bindings asynchronously.
    for (
      let i = 0;
      i < 50 && (await can(['watch', 'datasetexportjobs.personalize.ops.dev', '-n', watched])) !== 'yes';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await can(['watch', 'datasetexportjobs.personalize.ops.dev', '-n', watched])).toBe('yes');
    expect(await can(['watch', 'datasetexportjobs.personalize.ops.dev', '-n', other])).toBe('no');
    expect(await can(['get', `namespace/${watched}`])).toBe('yes');
    expect(await can(['get', `namespace/${other}`])).toBe('no');
    expect(await can(['update', 'leases.coordination.k8s.io', '-n', ops])).toBe('yes');
    expect(await can(['update', 'leases.coordination.k8s.io', '-n', watched])).toBe('no');
    const args = docs(rendered).find((d) => d.kind === 'Deployment');
    expect(JSON.stringify(args)).toContain(`--namespace=${watched}`);
  });
});

describe('helm install', () => {
  let namespace: string;
  let aws: TestEmulator;
  beforeAll(async () => {
    // Other tests installed the CRD with kubectl; hand it over to the release, as a user moving from plain
    // manifests to the chart would.
    await installCrd();
    namespace = await createTestNamespace(testKubeConfig(), 'helm');
    for (const crd of crds().map((c) => c.metadata.name)) {
      await kubectl(['label', '--overwrite', 'crd', crd, 'app.kubernetes.io/managed-by=Helm']);
      await kubectl([
        'annotate',
        '--overwrite',
        'crd',
        crd,
        'meta.helm.sh/release-name=personalize-operator',
        `meta.helm.sh/release-namespace=${namespace}`,
      ]);
    }
    installed = await helm([
      'install',
      'personalize-operator',
      chart,
      '-n',
      namespace,
      '--set',
      'region=us-east-1',
    ]);
    aws = await startTestEmulator({ speed: 100 });
  });
  let installed = '';

  it('ends in an honest state on a cluster without nodes: a ReplicaSet and a Pending pod, and NOTES that say so', async () => {
    await kubectl([
      'wait',
      '--for=jsonpath={.status.replicas}=1',
      '--timeout=30s',
      'replicaset',
      '-l',
      'app.kubernetes.io/name=personalize-operator',
      '-n',
      namespace,
    ]);
    expect(await kubectl(['get', 'pods', '-n', namespace, '-o', 'jsonpath={.items[*].status.phase}'])).toBe(
      'Pending',
    );
    expect(installed).toContain(`rollout status deployment/personalize-operator --timeout=2m`);
    expect(installed).toMatch(/its pod stays Pending: run the operator outside it/);
    expect(installed).not.toMatch(/your-org|example\.com/);
  });
  afterAll(() => aws.close());

  const sa = () => `system:serviceaccount:${namespace}:personalize-operator`;
  // `can-i` answers "no" with exit status 1: read its stdout either way.
  const can = async (verb: string, resource: string, ns = 'default', extra: string[] = []) => {
    const args = [
      '--kubeconfig',
      inject('kubeconfigPath'),
      'auth',
      'can-i',
      verb,
      resource,
      '-n',
      ns,
      '--as',
      sa(),
      ...extra,
    ];
    const result = await run(inject('kubectlPath'), args).catch((e: { stdout?: string }) => ({
      stdout: e.stdout ?? '',
    }));
    return result.stdout.trim();
  };

  it("grants the chart's ServiceAccount what the operator needs, and nothing more", async () => {
    expect(await can('watch', 'datasetexportjobs.personalize.ops.dev')).toBe('yes');
    expect(
      await can('patch', 'datasetexportjobs.personalize.ops.dev', 'default', ['--subresource=status']),
    ).toBe('yes');
    expect(await can('create', 'events.events.k8s.io')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io', namespace)).toBe('yes');
    // Leases only in its own namespace: never kube-controller-manager's or kube-scheduler's.
    expect(await can('update', 'leases.coordination.k8s.io', 'kube-system')).toBe('no');
    expect(await can('create', 'leases.coordination.k8s.io', 'default')).toBe('no');
    expect(await can('get', 'secrets')).toBe('no');
    expect(await can('update', 'datasetexportjobs.personalize.ops.dev')).toBe('no');
    // Schedules create their runs and delete those past the history limits; the schedules themselves are the user's.
    expect(await can('create', 'datasetexportjobs.personalize.ops.dev')).toBe('yes');
    expect(await can('delete', 'datasetexportjobs.personalize.ops.dev')).toBe('yes');
    expect(await can('watch', 'datasetexportschedules.personalize.ops.dev')).toBe('yes');
    expect(
      await can('patch', 'datasetexportschedules.personalize.ops.dev', 'default', ['--subresource=status']),
    ).toBe('yes');
    expect(await can('update', 'datasetexportschedules.personalize.ops.dev')).toBe('no');
    expect(await can('delete', 'datasetexportschedules.personalize.ops.dev')).toBe('no');
    expect(await can('create', 'datasetexportschedules.personalize.ops.dev')).toBe('no');
    // Import jobs are the user's: the operator reads them and writes their status, nothing more.
    expect(await can('watch', 'datasetimportjobs.personalize.ops.dev')).toBe('yes');
    expect(
      await can('patch', 'datasetimportjobs.personalize.ops.dev', 'default', ['--subresource=status']),
    ).toBe('yes');
    expect(await can('update', 'datasetimportjobs.personalize.ops.dev')).toBe('no');
    expect(await can('create', 'datasetimportjobs.personalize.ops.dev')).toBe('no');
    expect(await can('delete', 'datasetimportjobs.personalize.ops.dev')).toBe('no');
    expect(await can('create', 'pods')).toBe('no');
  });

  it('runs the operator as that ServiceAccount (impersonation) to ACTIVE', async () => {
    const admin = testKubeConfig();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: admin.clusters,
      users: [{ ...admin.getCurrentUser()!, name: 'operator', impersonateUser: sa() } as never],
      contexts: [{ name: 'operator', cluster: admin.getCurrentCluster()!.name, user: 'operator' }],
      currentContext: 'operator',
    });
    const jobs = await createTestNamespace(admin, 'helm-jobs');
    const operator = await startOperator({
      kubeConfig: kc,
      logger: pino({ level: 'silent' }),
      personalizeEndpoint: aws.emulator.url,
      namespaces: [jobs],
      ...FAST,
    });
    try {
      const api = admin.makeApiClient(CustomObjectsApi);
      await createJob(api, jobs, 'rbac', spec());
      await kubectl(['wait', '-n', jobs, '--for=condition=Complete', '--timeout=30s', 'dsej/rbac']);
      const obj = (await api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: jobs,
        plural: PLURAL,
        name: 'rbac',
      })) as DatasetExportJob;
      expect(obj.status?.status).toBe('ACTIVE');
      const events = await kubectl([
        'get',
        'events.events.k8s.io',
        '-n',
        jobs,
        '-o',
        'jsonpath={.items[*].reason}',
      ]);
      expect(events).toContain('Created');
      // The import kind too, on the same ServiceAccount's rights.
      const csv = join(aws.emulator.s3Root, 'data', 'rbac.csv');
      mkdirSync(dirname(csv), { recursive: true });
      writeFileSync(csv, 'USER_ID,MEMBERSHIP\nu1,bronze\n');
      await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: jobs,
        plural: IMPORT_PLURAL,
        body: datasetImportJob('rbac-import', {
          datasetArn: demoDataset('USERS'),
          dataSource: { dataLocation: 's3://data/rbac.csv' },
        }),
      });
      await kubectl(['wait', '-n', jobs, '--for=condition=Complete', '--timeout=30s', 'dsij/rbac-import']);
    } finally {
      await operator.stop(1_000);
    }
  });

  it('upgrades the CRD with helm upgrade and keeps it on uninstall', async () => {
    await helm(['upgrade', 'personalize-operator', chart, '-n', namespace, '--set', 'logLevel=debug']);
    const args = await kubectl([
      'get',
      'deploy',
      'personalize-operator',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].args}',
    ]);
    expect(args).toContain('--log-level=debug');
    const crdOwner = await kubectl([
      'get',
      'crd',
      CRD_NAME,
      '-o',
      'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-namespace}',
    ]);
    expect(crdOwner).toBe(namespace);
    const out = await helm(['uninstall', 'personalize-operator', '-n', namespace]);
    expect(out).toMatch(/kept due to the resource policy/);
    expect(await kubectl(['get', 'crd', CRD_NAME, '-o', 'name'])).toContain(CRD_NAME);
    expect(
      await kubectl(['get', 'clusterrole', 'personalize-operator', '--ignore-not-found', '-o', 'name']),
    ).toBe('');
  });

  it('installs from deploy/ and deletes cleanly: the namespace finishes terminating', async () => {
    await kubectl(['apply', '--server-side', '-f', join(packageRoot(), 'deploy')]);
    await kubectl(['delete', '-f', join(packageRoot(), 'deploy'), '--timeout=90s']);
    await expect(kubectl(['get', 'namespace', 'personalize-operator'])).rejects.toThrow(/not found/);
  }, 120_000);
});
