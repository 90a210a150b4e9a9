import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { GROUP, KIND, VERSION } from '../api/schema.js';
import type { DatasetExportJobSpec } from '../api/types.js';

export type { DatasetExportJobSpec } from '../api/types.js';

export interface DatasetExportJobProps {
  readonly metadata?: ApiObjectMetadata;
  /** The export, typed from the same definition as the CRD (all but tags immutable once applied). */
  readonly spec: DatasetExportJobSpec;
}

/**
 * A DatasetExportJob for cdk8s apps: `new DatasetExportJob(chart, 'weekly-items', { spec: { ... } })`.
 * Import it from `personalize-operator/cdk8s`; cdk8s and constructs are peer dependencies.
 */
export class DatasetExportJob extends ApiObject {
  static readonly GVK = { apiVersion: `${GROUP}/${VERSION}`, kind: KIND };

  constructor(scope: Construct, id: string, props: DatasetExportJobProps) {
    super(scope, id, {
      ...DatasetExportJob.GVK,
      ...(props.metadata ? { metadata: props.metadata } : {}),
      spec: props.spec,
    });
  }
}
