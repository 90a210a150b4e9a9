/**
 * The status conditions: Ready, Complete, Failed and Synced, and kstatus's Reconciling and Stalled.
 */

import { type DesiredCondition, findCondition, mergeConditions } from '../runtime/conditions.js';
import type { Update } from './decision.js';
import type { JobResource, JobStatus } from './job-resource.js';
import type { ObservedJob } from './observation.js';
import { ACTIVE, CREATE_FAILED } from './statuses.js';

export function jobConditions(job: ObservedJob): DesiredCondition[] {
  const reason = job.status
    .toLowerCase()
    .replace(/(^|[\s_])(\w)/g, (_m, _s, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '');
  const message = `AWS reports the job ${job.status}`;
  const failed = job.status === CREATE_FAILED;
  const active = job.status === ACTIVE;
  return [
    {
      type: 'Ready',
      status: active ? 'True' : 'False',
      reason,
      message: failed ? (job.failureReason ?? message) : message,
    },
    { type: 'Complete', status: active ? 'True' : 'False', reason, message },
    {
      type: 'Failed',
      status: failed ? 'True' : 'False',
      reason,
      message: failed ? (job.failureReason ?? message) : message,
    },
    {
      type: 'Synced',
      status: 'True',
      reason: 'Synced',
      message: 'The status mirrors what AWS reports for the job',
    },
  ];
}

/** Keeps Ready/Complete/Failed as they are and sets Synced, for errors. */
export function withSynced(obj: JobResource, synced: DesiredCondition): DesiredCondition[] {
  const keep = ['Ready', 'Complete', 'Failed'].map((type): DesiredCondition => {
    const c = findCondition(obj.status?.conditions, type);
    return c
      ? { type, status: c.status as DesiredCondition['status'], reason: c.reason, message: c.message }
      : {
          type,
          status: type === 'Failed' ? 'False' : 'Unknown',
          reason: 'NotCreated',
          message: 'The job does not exist in AWS yet',
        };
  });
  return [...keep, synced];
}

export function statusWith(
  obj: JobResource,
  fields: Partial<JobStatus>,
  conditions: DesiredCondition[],
  now: Date,
  clearsByItself = false,
): JobStatus {
  return {
    ...obj.status,
    ...fields,
    observedGeneration: obj.metadata?.generation,
    conditions: mergeConditions(
      obj.status?.conditions,
      withProgress(conditions, clearsByItself),
      obj.metadata?.generation,
      now,
    ),
  };
}

/**
 * Adds kstatus's Reconciling and Stalled, which Flux, kpt and cli-utils read for custom resources (with
 * Ready alone, kstatus calls a failed job InProgress for ever). Reconciling: the job is on its way, or a retry may
 * clear an error by itself. Stalled: the job failed, or a person must act. A paused resource is neither, so
 * kstatus goes by Ready: in progress until the job is ACTIVE. `clearsByItself` tells a Synced=False problem that
 * a retry may clear (throttling, 5xx: the error's class) from one a person must fix.
 */
export function withProgress(
  conditions: readonly DesiredCondition[],
  clearsByItself = false,
): DesiredCondition[] {
  const own = conditions.filter((c) => c.type !== 'Reconciling' && c.type !== 'Stalled');
  return [...own, ...progressOf(own, clearsByItself)];
}

/**
 * A settled status written before Reconciling and Stalled existed, with them added: no AWS call is needed, and
 * without them kstatus would wait for ever on a job that failed before the upgrade.
 */
export function withProgressAdded(obj: JobResource, now: Date): Update | undefined {
  const conditions = obj.status?.conditions;
  if (!conditions?.length || findCondition(conditions, 'Stalled')) return undefined;
  const desired = conditions.map(
    ({ type, status, reason, message }): DesiredCondition => ({ type, status, reason, message }),
  );
  return {
    kind: 'update',
    status: {
      ...obj.status,
      conditions: mergeConditions(conditions, withProgress(desired), obj.metadata?.generation, now),
    },
    events: [],
    requeue: { kind: 'none' },
  };
}

function progressOf(
  own: readonly DesiredCondition[],
  clearsByItself: boolean,
): [DesiredCondition, DesiredCondition] {
  const get = (type: string) => own.find((c) => c.type === type);
  const pair = (
    active: 'Reconciling' | 'Stalled' | undefined,
    { reason, message }: { reason: string; message: string },
  ): [DesiredCondition, DesiredCondition] => [
    { type: 'Reconciling', status: active === 'Reconciling' ? 'True' : 'False', reason, message },
    { type: 'Stalled', status: active === 'Stalled' ? 'True' : 'False', reason, message },
  ];
  const failed = get('Failed');
  const synced = get('Synced');
  if (failed?.status === 'True') return pair('Stalled', failed);
  if (synced?.status === 'False') {
    if (synced.reason === 'Paused') return pair(undefined, synced);
    return pair(clearsByItself ? 'Reconciling' : 'Stalled', synced);
  }
  if (get('Complete')?.status === 'True') {
    return pair(undefined, { reason: 'Complete', message: 'The job finished; the status mirrors it' });
  }
  const waiting = synced?.reason === 'Creating' ? synced : get('Ready');
  return pair(
    'Reconciling',
    waiting ?? { reason: 'NotCreated', message: 'The job does not exist in AWS yet' },
  );
}
