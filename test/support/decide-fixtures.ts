/** A resource, its job and the settings the reconcile decision is tested with, shared by its unit tests. */
import { expect } from 'vitest';
import type { ClassifiedError } from '../../src/aws/errors.js';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import type { DatasetExportJobSpec } from '../../src/kinds/dataset-export-job/types.js';
import type { decide } from '../../src/personalize-job/decide.js';
import type { DecideSettings, Update } from '../../src/personalize-job/decision.js';
import { identityOf } from '../../src/personalize-job/identity.js';
import type { JobResource } from '../../src/personalize-job/job-resource.js';
import type { Identity, ObservedJob } from '../../src/personalize-job/observation.js';

type ExportResource = JobResource<DatasetExportJobSpec>;

export const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
export const now = new Date('2026-11-28T12:00:00Z');
export const settings: DecideSettings<DatasetExportJobSpec> = {
  kind: exportJob,
  now,
  pollDelay: (age) => 1000 + age,
  actionableRetryMs: 300_000,
};
export const allowed = { adoptionAllowed: true };
/** A job this process created for the resource: polls, and the first status after a lost write. */
export const own = { createdHere: true };

/** A resource in the lifecycle's form (the ARN in status.jobArn), as the decision reads it. */
export function resource(overrides: Partial<ExportResource> = {}): ExportResource {
  return {
    apiVersion: 'personalize.ops.dev/v1alpha1',
    kind: 'DatasetExportJob',
    metadata: {
      name: 'job',
      namespace: 'ml',
      uid: 'uid-1',
      generation: 1,
      creationTimestamp: new Date('2026-11-28T11:00:00Z'),
    },
    spec: {
      datasetArn: DATASET,
      roleArn: 'arn:aws:iam::123456789012:role/r',
      jobOutput: { s3DataDestination: { path: 's3://b/' } },
    },
    ...overrides,
  };
}

export const identity = identityOf(exportJob, resource(), {}) as Identity;
export const job = (status: string, extra: Partial<ObservedJob> = {}): ObservedJob => ({
  arn: identity.arn,
  jobName: identity.jobName,
  parentArn: DATASET,
  status,
  creationDateTime: new Date('2026-11-28T11:59:00Z'),
  lastUpdatedDateTime: new Date('2026-11-28T11:59:30Z'),
  created: {
    ingestionMode: 'PUT',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    'jobOutput.s3DataDestination.path': 's3://b/',
  },
  ...extra,
});
export const error = (cls: ClassifiedError['class'], reason: string): ClassifiedError => ({
  class: cls,
  reason,
  code: 'SomeException',
  message: 'it went wrong',
  requestId: 'req-1',
});
export const update = (d: ReturnType<typeof decide>) => {
  expect(d.kind).toBe('update');
  return d as Update;
};
export const cond = (d: Update, type: string) => d.status.conditions?.find((c) => c.type === type);
