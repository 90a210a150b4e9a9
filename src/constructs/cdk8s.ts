/**
 * cdk8s constructs for users' own code: DatasetExportJob, DatasetImportJob and DatasetExportSchedule, typed from
 * their schemas. Imports nothing of the operator's runtime (see docs/constructs.md).
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { GROUP, VERSION } from '../api/group.js';
import { KIND } from '../kinds/dataset-export-job/schema.js';
import type { DatasetExportJobSpec } from '../kinds/dataset-export-job/spec.js';
import { SCHEDULE_KIND } from '../kinds/dataset-export-schedule/schema.js';
import type { DatasetExportScheduleSpec } from '../kinds/dataset-export-schedule/spec.js';
import { IMPORT_KIND } from '../kinds/dataset-import-job/schema.js';
import type { DatasetImportJobSpec } from '../kinds/dataset-import-job/spec.js';

export type { DatasetExportJobSpec } from '../kinds/dataset-export-job/spec.js';
export type { DatasetExportScheduleSpec } from '../kinds/dataset-export-schedule/spec.js';
export type { DatasetImportJobSpec } from '../kinds/dataset-import-job/spec.js';

/** What each construct takes: metadata, and the spec typed from the same definition as the CRD. */
export interface ResourceProps<Spec> {
  readonly metadata?: ApiObjectMetadata;
  readonly spec: Spec;
}

/** An object of the operator's API group, of one kind. */
abstract class PersonalizeObject<Spec> extends ApiObject {
  protected constructor(scope: Construct, id: string, kind: string, props: ResourceProps<Spec>) {
    super(scope, id, {
      apiVersion: `${GROUP}/${VERSION}`,
      kind,
      ...(props.metadata ? { metadata: props.metadata } : {}),
      spec: props.spec,
    });
  }
}

/** The export, typed from the same definition as the CRD (all but tags immutable once applied). */
export type DatasetExportJobProps = ResourceProps<DatasetExportJobSpec>;

/**
 * A DatasetExportJob for cdk8s apps: `new DatasetExportJob(chart, 'weekly-items', { spec: { ... } })`.
 * Import it from `personalize-operator/cdk8s`; cdk8s and constructs are peer dependencies.
 */
export class DatasetExportJob extends PersonalizeObject<DatasetExportJobSpec> {
  static readonly GVK = { apiVersion: `${GROUP}/${VERSION}`, kind: KIND };

  constructor(scope: Construct, id: string, props: DatasetExportJobProps) {
    super(scope, id, KIND, props);
  }
}

/** The import, typed from the same definition as the CRD (all but tags immutable once applied). */
export type DatasetImportJobProps = ResourceProps<DatasetImportJobSpec>;

/**
 * A DatasetImportJob for cdk8s apps: `new DatasetImportJob(chart, 'nightly-users', { spec: { datasetArn,
 * dataSource: { dataLocation: 's3://bucket/users/' }, importMode: 'INCREMENTAL' } })`.
 */
export class DatasetImportJob extends PersonalizeObject<DatasetImportJobSpec> {
  static readonly GVK = { apiVersion: `${GROUP}/${VERSION}`, kind: IMPORT_KIND };

  constructor(scope: Construct, id: string, props: DatasetImportJobProps) {
    super(scope, id, IMPORT_KIND, props);
  }
}

/** When to export and what each run exports, typed from the same definition as the CRD. */
export type DatasetExportScheduleProps = ResourceProps<DatasetExportScheduleSpec>;

/**
 * A DatasetExportSchedule for cdk8s apps: recurring exports, a DatasetExportJob per scheduled time.
 * `new DatasetExportSchedule(chart, 'nightly', { spec: { schedule: '0 3 * * *', jobTemplate: { spec: { ... } } } })`.
 */
export class DatasetExportSchedule extends PersonalizeObject<DatasetExportScheduleSpec> {
  static readonly GVK = { apiVersion: `${GROUP}/${VERSION}`, kind: SCHEDULE_KIND };

  constructor(scope: Construct, id: string, props: DatasetExportScheduleProps) {
    super(scope, id, SCHEDULE_KIND, props);
  }
}
