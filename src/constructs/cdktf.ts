/**
 * CDKTF constructs for users' own code: the operator as a helm_release of the bundled chart, and a
 * DatasetExportJob as a kubernetes_manifest that waits for Complete.
 */
import { join } from 'node:path';
import { release } from '@cdktf/provider-helm';
import { manifest } from '@cdktf/provider-kubernetes';
import { Fn, type ITerraformDependable, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { datasetExportJob } from '../kinds/dataset-export-job/manifest.js';
import type { DatasetExportJobSpec } from '../kinds/dataset-export-job/spec.js';
import { packageRoot } from '../local/package-root.js';

export type { DatasetExportJobSpec } from '../kinds/dataset-export-job/spec.js';

/** The Helm chart shipped inside this package, which `PersonalizeOperator` installs unless told otherwise. */
export const BUNDLED_CHART = join(packageRoot(), 'charts', 'personalize-operator');

export interface PersonalizeOperatorProps {
  /** Path or repository reference of the personalize-operator Helm chart; the bundled one by default. */
  readonly chart?: string;
  readonly releaseName?: string;
  readonly namespace?: string;
  /** Chart values (see the chart's values.yaml). */
  readonly values?: Record<string, unknown>;
  readonly provider?: release.ReleaseConfig['provider'];
}

/** Installs the operator with its Helm chart (`helm_release`), CRD included. */
export class PersonalizeOperator extends Construct {
  readonly release: release.Release;

  constructor(scope: Construct, id: string, props: PersonalizeOperatorProps) {
    super(scope, id);
    this.release = new release.Release(this, 'release', {
      name: props.releaseName ?? 'personalize-operator',
      chart: props.chart ?? BUNDLED_CHART,
      namespace: props.namespace ?? 'personalize-operator',
      createNamespace: true,
      atomic: true,
      wait: true,
      values: [JSON.stringify(props.values ?? {})],
      ...(props.provider ? { provider: props.provider } : {}),
    });
  }
}

export interface DatasetExportJobResourceProps {
  readonly name: string;
  readonly namespace: string;
  readonly spec: DatasetExportJobSpec;
  /** How long `terraform apply` waits for the job to be Complete (Terraform duration); default 3h. */
  readonly timeout?: string;
  /** The operator's release: CRD and operator must exist before the resource (plan-time API access). */
  readonly dependsOn?: ITerraformDependable[];
  readonly provider?: manifest.ManifestConfig['provider'];
}

/**
 * A DatasetExportJob as a Terraform resource (`kubernetes_manifest`): `terraform apply` blocks until the
 * resource's Complete condition is True, and fails when the create timeout passes first, which is what a
 * CREATE FAILED job leads to (Complete never becomes True). The job's ARN is an output.
 */
export class DatasetExportJobResource extends Construct {
  readonly manifest: manifest.Manifest;
  readonly arn: TerraformOutput;

  constructor(scope: Construct, id: string, props: DatasetExportJobResourceProps) {
    super(scope, id);
    this.manifest = new manifest.Manifest(this, 'manifest', {
      manifest: datasetExportJob(props.name, props.spec, { namespace: props.namespace }) as unknown as Record<
        string,
        unknown
      >,
      wait: { condition: [{ type: 'Complete', status: 'True' }] },
      timeouts: { create: props.timeout ?? '3h' },
      fieldManager: { name: 'cdktf', forceConflicts: true },
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
      ...(props.provider ? { provider: props.provider } : {}),
    });
    this.arn = new TerraformOutput(this, 'arn', {
      value: Fn.lookupNested(this.manifest.object, ['status', 'datasetExportJobArn']),
      description: `ARN of the export job of ${props.namespace}/${props.name}`,
    });
  }
}
