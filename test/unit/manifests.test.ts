import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/local/package-root.js';
import { packageVersion, renderManifests } from '../../src/manifests/render.js';

const root = packageRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('generated manifests', () => {
  it.each(Object.entries(renderManifests()))('%s is up to date (run `npm run synth`)', (path, content) => {
    expect(read(path)).toBe(content);
  });

  it("keeps the chart's version in step with the package", () => {
    const chart = parse(read('charts/personalize-operator/Chart.yaml')) as {
      appVersion: string;
      version: string;
    };
    expect(chart.appVersion).toBe(packageVersion());
    expect(chart.version).toBe(packageVersion());
  });

  it('runs the operator least-privileged and hardened', () => {
    const docs = read('deploy/personalize-operator.yaml')
      .split(/^---$/m)
      .map(
        (d) =>
          parse(d) as {
            kind: string;
            rules?: unknown;
            spec?: { template: { spec: Record<string, unknown> } };
          },
      );
    const role = docs.find((d) => d.kind === 'ClusterRole');
    expect(role?.rules).toEqual([
      {
        apiGroups: ['personalize.ops.dev'],
        resources: ['datasetexportjobs'],
        verbs: ['get', 'list', 'watch', 'create', 'delete'],
      },
      { apiGroups: ['personalize.ops.dev'], resources: ['datasetexportjobs/status'], verbs: ['patch'] },
      {
        apiGroups: ['personalize.ops.dev'],
        resources: ['datasetexportschedules'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: ['personalize.ops.dev'], resources: ['datasetexportschedules/status'], verbs: ['patch'] },
      {
        apiGroups: ['personalize.ops.dev'],
        resources: ['datasetexportschedules/finalizers'],
        verbs: ['update'],
      },
      {
        apiGroups: ['personalize.ops.dev'],
        resources: ['datasetimportjobs'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: ['personalize.ops.dev'], resources: ['datasetimportjobs/status'], verbs: ['patch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    ]);
    // Leases only in the operator's namespace, never cluster-wide.
    const leaseRole = docs.find((d) => d.kind === 'Role') as
      | { metadata?: { namespace?: string } }
      | undefined;
    expect(leaseRole?.metadata?.namespace).toBe('personalize-operator');
    expect((leaseRole as { rules?: unknown })?.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    const pod = docs.find((d) => d.kind === 'Deployment')?.spec?.template.spec as {
      automountServiceAccountToken: boolean;
      securityContext: Record<string, unknown>;
      containers: {
        securityContext: Record<string, unknown>;
        imagePullPolicy: string;
        livenessProbe: unknown;
        readinessProbe: unknown;
      }[];
    };
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.containers[0]?.livenessProbe).toBeDefined();
    expect(pod.containers[0]?.readinessProbe).toBeDefined();
  });
});
