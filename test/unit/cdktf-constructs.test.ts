import { release } from '@cdktf/provider-helm';
import { manifest } from '@cdktf/provider-kubernetes';
import { type TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DatasetExportJobResource, PersonalizeOperator } from '../../src/constructs/cdktf.js';

// The README's CDKTF example, as a user writes it.
function exportsStack(stack: TerraformStack): void {
  const operator = new PersonalizeOperator(stack, 'operator', {
    chart: './charts/personalize-operator',
    values: { region: 'us-east-1' },
  });
  new DatasetExportJobResource(stack, 'weekly-items', {
    name: 'weekly-items',
    namespace: 'ml',
    spec: {
      datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS',
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeExportRole',
      jobOutput: { s3DataDestination: { path: 's3://demo-exports/items/' } },
    },
    timeout: '2h',
    dependsOn: [operator.release],
  });
}

describe('CDKTF constructs (synthesized, no terraform binary)', () => {
  const json = Testing.synthScope((scope) => exportsStack(scope as TerraformStack));
  const parsed = JSON.parse(json) as {
    output: Record<string, { value: string }>;
    resource: Record<string, Record<string, { depends_on?: string[] }>>;
  };

  it('installs the chart with helm_release', () => {
    expect(
      Testing.toHaveResourceWithProperties(json, release.Release.tfResourceType, {
        name: 'personalize-operator',
        chart: './charts/personalize-operator',
        namespace: 'personalize-operator',
        create_namespace: true,
        atomic: true,
        values: [JSON.stringify({ region: 'us-east-1' })],
      }),
    ).toBe(true);
  });

  it('declares the job as kubernetes_manifest that waits for Complete, after the release', () => {
    expect(
      Testing.toHaveResourceWithProperties(json, manifest.Manifest.tfResourceType, {
        manifest: {
          apiVersion: 'personalize.ops.dev/v1alpha1',
          kind: 'DatasetExportJob',
          metadata: { name: 'weekly-items', namespace: 'ml' },
        },
        wait: { condition: [{ type: 'Complete', status: 'True' }] },
        timeouts: { create: '2h' },
      }),
    ).toBe(true);
    const [manifestResource] = Object.values(parsed.resource.kubernetes_manifest ?? {});
    expect(manifestResource?.depends_on?.[0]).toMatch(/^helm_release\./);
  });

  it("exposes the job's ARN as an output", () => {
    const [output] = Object.values(parsed.output);
    expect(output?.value).toMatch(/^\$\{kubernetes_manifest\.[^.]+\.object\.status\.datasetExportJobArn\}$/);
  });
});
