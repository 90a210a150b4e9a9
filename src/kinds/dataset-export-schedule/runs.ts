/**
 * A schedule's runs: how one is named and made from the template, and what its status says of it.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/group.js';
import { RUN_KIND, type RunSpec, type RunStatus } from '../schedule-runs.js';
import { evaluatePath } from './placeholders.js';
import { SCHEDULE_KIND, SCHEDULE_LABEL, SCHEDULED_AT_ANNOTATION } from './schema.js';
import type { DatasetExportSchedule } from './types.js';

/** A run: an object of the run kind, as the schedule reads it from that kind's cache. */
export interface Run extends KubernetesObject {
  spec: RunSpec;
  status?: RunStatus;
}
export const succeeded = (run: Run) => run.status?.status === 'ACTIVE';
export const failed = (run: Run) => run.status?.status === 'CREATE FAILED';
export const finished = (run: Run) => succeeded(run) || failed(run);
export const scheduledTime = (run: Run) =>
  run.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION] ?? String(run.metadata?.creationTimestamp ?? '');
export const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
export const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/** A run's name: the schedule's and the scheduled minute, as CronJob names its Jobs (a retry finds it). */
export const runName = (schedule: string, at: Date) => `${schedule}-${Math.floor(at.getTime() / 60_000)}`;
export const requestedRunName = (schedule: string, request: string) =>
  `${schedule}-now-${createHash('sha256').update(request).digest('hex').slice(0, 8)}`;

/** The DatasetExportJob for one run: the template, the scheduled time in the path, owned by the schedule. */
export function runFor(schedule: DatasetExportSchedule, name: string, at: Date): Run {
  const { jobTemplate, timeZone = 'UTC' } = schedule.spec;
  const s3 = jobTemplate.spec.jobOutput.s3DataDestination;
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: RUN_KIND,
    metadata: {
      name,
      namespace: schedule.metadata?.namespace,
      labels: { ...jobTemplate.metadata?.labels, [SCHEDULE_LABEL]: schedule.metadata?.name ?? '' },
      annotations: { ...jobTemplate.metadata?.annotations, [SCHEDULED_AT_ANNOTATION]: iso(at) },
      ownerReferences: [
        {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: SCHEDULE_KIND,
          name: schedule.metadata?.name ?? '',
          uid: schedule.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...jobTemplate.spec,
      jobOutput: { s3DataDestination: { ...s3, path: evaluatePath(s3.path, at, timeZone) } },
    },
  };
}
