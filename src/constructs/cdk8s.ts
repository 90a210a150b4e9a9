/**
 * cdk8s constructs for users' own code: DatasetExportJob and DatasetExportSchedule, typed from the schema.
 * Imports nothing of the operator's runtime (see docs/constructs.md).
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { GROUP, KIND, VERSION } from '../api/schema.js';
import type { DatasetExportJobSpec } from '../api/spec-types.js';
import { SCHEDULE_KIND } from '../kinds/dataset-export-schedule/schema.js';
import type { DatasetExportScheduleSpec } from '../kinds/dataset-export-schedule/types.js';

export type { DatasetExportJobSpec } from '../api/spec-types.js';
export type { DatasetExportScheduleSpec } from '../kinds/dataset-export-schedule/types.js';

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

export interface DatasetExportScheduleProps {
  readonly metadata?: ApiObjectMetadata;
  /** When to export and what each run exports, typed from the same definition as the CRD. */
  readonly spec: DatasetExportScheduleSpec;
}

/**
 * A DatasetExportSchedule for cdk8s apps: recurring exports, a DatasetExportJob per scheduled time.
 * `new DatasetExportSchedule(chart, 'nightly', { spec: { schedule: '0 3 * * *', jobTemplate: { spec: { ... } } } })`.
 */
export class DatasetExportSchedule extends ApiObject {
  static readonly GVK = { apiVersion: `${GROUP}/${VERSION}`, kind: SCHEDULE_KIND };

  constructor(scope: Construct, id: string, props: DatasetExportScheduleProps) {
    super(scope, id, {
      ...DatasetExportSchedule.GVK,
      ...(props.metadata ? { metadata: props.metadata } : {}),
      spec: props.spec,
    });
  }
}
