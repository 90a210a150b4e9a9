/**
 * A schedule's conditions: Ready and Synced, and kstatus's Reconciling and Stalled.
 */

import { type DesiredCondition, mergeConditions } from '../../runtime/conditions.js';
import type { DatasetExportSchedule, DatasetExportScheduleStatus } from './types.js';

/** Ready and Synced: a first run on its way is not Ready yet, a last run that failed after the last success is not Ready. */
export function readiness(suspended: boolean, status: DatasetExportScheduleStatus): DesiredCondition[] {
  const synced: DesiredCondition = {
    type: 'Synced',
    status: 'True',
    reason: 'Scheduled',
    message: 'The schedule is valid and runs as written',
  };
  const failedLast =
    status.lastFailureTime !== undefined &&
    (status.lastSuccessfulTime === undefined ||
      Date.parse(status.lastFailureTime) > Date.parse(status.lastSuccessfulTime));
  if (failedLast) {
    const reason = status.lastFailure?.failureReason ? `: ${status.lastFailure.failureReason}` : '';
    const message = `The last run ${status.lastFailure?.name} failed${reason}`;
    return [{ type: 'Ready', status: 'False', reason: 'LastRunFailed', message }, synced];
  }
  if (suspended)
    return [
      { type: 'Ready', status: 'True', reason: 'Suspended', message: 'Suspended: no new runs' },
      synced,
    ];
  if (status.lastSuccessfulTime === undefined && status.active?.length) {
    const message = `The first run ${status.active[0]?.name} is on its way`;
    return [{ type: 'Ready', status: 'False', reason: 'FirstRunInProgress', message }, synced];
  }
  const message = status.nextScheduleTime
    ? `Next run at ${status.nextScheduleTime}`
    : 'Waiting for the next run';
  return [{ type: 'Ready', status: 'True', reason: 'Scheduled', message }, synced];
}

/**
 * The conditions with kstatus's Reconciling and Stalled for a schedule: Reconciling while the first run is on
 * its way, Stalled when the schedule cannot run or its last run failed (a person should look), else neither,
 * so Flux sees a healthy schedule Current between runs.
 */
export function withConditions(
  schedule: DatasetExportSchedule,
  status: DatasetExportScheduleStatus,
  now: Date,
  desired: DesiredCondition[],
): DatasetExportScheduleStatus {
  const ready = desired.find((c) => c.type === 'Ready');
  const reason = ready?.reason ?? '';
  const message = ready?.message ?? '';
  const stalled = reason === 'InvalidSchedule' || reason === 'LastRunFailed';
  const reconciling = reason === 'FirstRunInProgress';
  const progress: DesiredCondition[] = [
    { type: 'Reconciling', status: reconciling ? 'True' : 'False', reason, message },
    { type: 'Stalled', status: stalled ? 'True' : 'False', reason, message },
  ];
  return {
    ...status,
    conditions: mergeConditions(
      schedule.status?.conditions,
      [...desired, ...progress],
      schedule.metadata?.generation,
      now,
    ),
  };
}
