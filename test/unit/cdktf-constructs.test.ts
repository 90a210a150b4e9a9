import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { release } from '@cdktf/provider-helm';
import { manifest } from '@cdktf/provider-kubernetes';
import { type App, TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CHART, DatasetExportJobResource, PersonalizeOperator } from '../../src/constructs/cdktf.js';

// The CDKTF example of docs/constructs.md, as a user writes it: the operator in one stack, the jobs in a later one.
function exportsApp(app: App): { operatorStack: TerraformStack; exportsStack: TerraformStack } {
  const operatorStack = new TerraformStack(app, 'operator');
  new PersonalizeOperator(operatorStack, 'operator', { values: { region: 'us-east-1' } });

  const exportsStack = new TerraformStack(app, 'exports');
  // `cdktf deploy` applies `operator` first: kubernetes_manifest needs the CRD when it plans.
  exportsStack.addDependency(operatorStack);
  new DatasetExportJobResource(exportsStack, 'weekly-items', {
    name: 'weekly-items',
    namespace: 'ml',
    spec: {
      datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS',
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeExportRole',
      jobOutput: { s3DataDestination: { path: 's3://demo-exports/items/' } },
    },
    timeout: '2h',
  });
  return { operatorStack, exportsStack };
}

describe('CDKTF constructs (synthesized, no terraform binary)', () => {
  const { operatorStack, exportsStack } = exportsApp(Testing.app());
  const operatorJson = Testing.synth(operatorStack);
  const json = Testing.synth(exportsStack);
  const parsed = JSON.parse(json) as {
    output: Record<string, { value: string }>;
    resource: Record<string, Record<string, { depends_on?: string[] }>>;
  };

  it('installs the chart shipped in the package with helm_release, in a stack of its own', () => {
    expect(existsSync(join(BUNDLED_CHART, 'Chart.yaml'))).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(operatorJson, release.Release.tfResourceType, {
        name: 'personalize-operator',
        chart: BUNDLED_CHART,
        namespace: 'personalize-operator',
        create_namespace: true,
        atomic: true,
        values: [JSON.stringify({ region: 'us-east-1' })],
      }),
    ).toBe(true);
  });

  it('declares the job as kubernetes_manifest that waits for Complete, in a stack after the operator’s', () => {
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
    expect(parsed.resource).not.toHaveProperty('helm_release');
    expect(exportsStack.dependencies).toEqual([operatorStack]);
  });

  it("exposes the job's ARN as an output", () => {
    const [output] = Object.values(parsed.output);
    expect(output?.value).toMatch(/^\$\{kubernetes_manifest\.[^.]+\.object\.status\.datasetExportJobArn\}$/);
  });
});
