/** A schedule, its runs and a fixed clock, shared by the schedule kind's unit tests. */
import type { DatasetExportJob } from '../../src/kinds/dataset-export-job/types.js';
import type { decideSchedule } from '../../src/kinds/dataset-export-schedule/decide.js';
import type { DatasetExportSchedule } from '../../src/kinds/dataset-export-schedule/types.js';

export const at = (iso: string) => new Date(iso);

export const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
export function schedule(
  spec: Partial<DatasetExportSchedule['spec']> = {},
  status?: DatasetExportSchedule['status'],
): DatasetExportSchedule {
  return {
    apiVersion: 'personalize.ops.dev/v1alpha1',
    kind: 'DatasetExportSchedule',
    metadata: {
      name: 'nightly',
      namespace: 'ml',
      uid: 'uid-s',
      generation: 1,
      creationTimestamp: at('2026-11-29T00:00:00Z'),
    },
    spec: {
      schedule: '0 * * * *',
      timeZone: 'UTC',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 2,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { team: 'ml' } },
        spec: {
          datasetArn: DATASET,
          roleArn: 'arn:aws:iam::123456789012:role/r',
          jobOutput: { s3DataDestination: { path: 's3://b/dt={yyyy}-{MM}-{dd}/' } },
        },
      },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}
export const run = (
  name: string,
  scheduled: string,
  status?: string,
  updated?: string,
): DatasetExportJob => ({
  metadata: { name, namespace: 'ml', annotations: { 'personalize.ops.dev/scheduled-at': scheduled } },
  spec: { datasetArn: DATASET, roleArn: 'r', jobOutput: { s3DataDestination: { path: 's3://b/' } } },
  ...(status
    ? {
        status: {
          status,
          lastUpdatedDateTime: updated,
          ...(status === 'CREATE FAILED' ? { failureReason: 'no access' } : {}),
        },
      }
    : {}),
});
export const cond = (s: ReturnType<typeof decideSchedule>, type: string) =>
  s.status.conditions?.find((c) => c.type === type);
