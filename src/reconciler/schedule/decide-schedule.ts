//! What a schedule does next, from its spec and status, its runs and the time: start a run (at most one),
//! prune history, and report. A pure function, so every branch is tested with a fake clock.
import { createHash } from 'node:crypto';
import {
  RUN_REQUESTED_ANNOTATION,
  SCHEDULE_KIND,
  SCHEDULE_LABEL,
  SCHEDULED_AT_ANNOTATION,
} from '../../api/schedule-schema.js';
import { GROUP, KIND, VERSION } from '../../api/schema.js';
import type {
  DatasetExportJob,
  DatasetExportSchedule,
  DatasetExportScheduleStatus,
} from '../../api/types.js';
import type { EventSpec } from '../../runtime/reconcile.js';
import { type DesiredCondition, mergeConditions } from '../conditions.js';
import { parseCron } from './cron.js';
import { evaluatePath, placeholderProblem } from './placeholders.js';

export interface ScheduleDecision {
  status: DatasetExportScheduleStatus;
  events: EventSpec[];
  /** A run to create (AlreadyExists counts as created: the name stands for the scheduled time). */
  create?: DatasetExportJob;
  /** Finished runs past the history limits, to delete. */
  delete: string[];
  /** When to look again, in the schedule's clock (ms after `now`); none when only a change can matter. */
  requeueAt?: Date;
}

type Run = DatasetExportJob;
const succeeded = (run: Run) => run.status?.status === 'ACTIVE';
const failed = (run: Run) => run.status?.status === 'CREATE FAILED';
const finished = (run: Run) => succeeded(run) || failed(run);
const scheduledTime = (run: Run) =>
  run.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION] ?? String(run.metadata?.creationTimestamp ?? '');
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/** A run's name: the schedule's and the scheduled minute, as CronJob names its Jobs (a retry finds it). */
export const runName = (schedule: string, at: Date) => `${schedule}-${Math.floor(at.getTime() / 60_000)}`;
const requestedRunName = (schedule: string, request: string) =>
  `${schedule}-now-${createHash('sha256').update(request).digest('hex').slice(0, 8)}`;

/** The DatasetExportJob for one run: the template, the scheduled time in the path, owned by the schedule. */
export function runFor(schedule: DatasetExportSchedule, name: string, at: Date): DatasetExportJob {
  const { jobTemplate, timeZone = 'UTC' } = schedule.spec;
  const s3 = jobTemplate.spec.jobOutput.s3DataDestination;
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: KIND,
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

export function decideSchedule(schedule: DatasetExportSchedule, runs: Run[], now: Date): ScheduleDecision {
  const name = schedule.metadata?.name ?? '';
  const { spec } = schedule;
  const timeZone = spec.timeZone ?? 'UTC';
  const events: EventSpec[] = [];
  const old = schedule.status ?? {};
  const status: DatasetExportScheduleStatus = { ...old, observedGeneration: schedule.metadata?.generation };

  const cron = parseCron(spec.schedule, timeZone);
  const invalid =
    'invalid' in cron
      ? cron.invalid
      : placeholderProblem(spec.jobTemplate.spec.jobOutput.s3DataDestination.path);
  if (invalid !== undefined || 'invalid' in cron) {
    const message = invalid ?? '';
    const synced = old.conditions?.find((c) => c.type === 'Synced');
    if (synced?.reason !== 'InvalidSchedule' || synced.message !== message)
      events.push({ type: 'Warning', reason: 'InvalidSchedule', action: 'Schedule', note: message });
    return {
      status: withConditions(schedule, { ...status, nextScheduleTime: undefined }, now, [
        { type: 'Ready', status: 'False', reason: 'InvalidSchedule', message },
        { type: 'Synced', status: 'False', reason: 'InvalidSchedule', message },
      ]),
      events,
      delete: [],
    };
  }

  // What the runs say: in flight, last success, last failure (kept when history pruning removed the run).
  const active = runs
    .filter((r) => !finished(r))
    .sort((a, b) => scheduledTime(a).localeCompare(scheduledTime(b)));
  status.active = active.map((r) => ({
    name: r.metadata?.name ?? '',
    ...(r.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION]
      ? { scheduledTime: r.metadata.annotations[SCHEDULED_AT_ANNOTATION] }
      : {}),
  }));
  const lastSuccess = runs.filter(succeeded).map((r) => r.status?.lastUpdatedDateTime);
  status.lastSuccessfulTime = lastSuccess.reduce(later, old.lastSuccessfulTime);
  const lastFailed = runs
    .filter(failed)
    .sort(
      (a, b) =>
        Date.parse(a.status?.lastUpdatedDateTime ?? '') - Date.parse(b.status?.lastUpdatedDateTime ?? ''),
    )
    .at(-1);
  if (
    lastFailed?.status?.lastUpdatedDateTime &&
    later(lastFailed.status.lastUpdatedDateTime, old.lastFailureTime) !== old.lastFailureTime
  ) {
    status.lastFailureTime = lastFailed.status.lastUpdatedDateTime;
    status.lastFailure = {
      name: lastFailed.metadata?.name ?? '',
      failureReason: lastFailed.status.failureReason,
    };
    events.push({
      type: 'Warning',
      reason: 'RunFailed',
      action: 'Observe',
      note: `${lastFailed.metadata?.name} ended CREATE FAILED${lastFailed.status.failureReason ? `: ${lastFailed.status.failureReason}` : ''}`,
    });
  }
  if (status.lastSuccessfulTime !== old.lastSuccessfulTime) {
    events.push({
      type: 'Normal',
      reason: 'RunSucceeded',
      action: 'Observe',
      note: `A run finished ACTIVE at ${status.lastSuccessfulTime}`,
    });
  }

  let create: DatasetExportJob | undefined;
  const forbid = (spec.concurrencyPolicy ?? 'Forbid') === 'Forbid';
  const busy = forbid && active.length > 0;

  // Run now, on request: once per new annotation value, when concurrencyPolicy lets it.
  const request = schedule.metadata?.annotations?.[RUN_REQUESTED_ANNOTATION];
  if (request !== undefined && request !== old.lastHandledRunRequestAt && !busy) {
    create = runFor(schedule, requestedRunName(name, request), now);
    status.lastHandledRunRequestAt = request;
    events.push({
      type: 'Normal',
      reason: 'RunRequested',
      action: 'Run',
      note: `Started ${create.metadata?.name} on request (${request})`,
    });
  }

  // The scheduled run: only the latest time missed since the last one handled, never a backlog.
  const since = new Date(
    old.lastScheduleTime ?? String(schedule.metadata?.creationTimestamp ?? now.toISOString()),
  );
  const due = cron.latest(since, now);
  if (due && !spec.suspend && !create) {
    const missed = cron.countBetween(since, due);
    const lateSeconds = (now.getTime() - due.getTime()) / 1000;
    if (spec.startingDeadlineSeconds !== undefined && lateSeconds > spec.startingDeadlineSeconds) {
      events.push({
        type: 'Warning',
        reason: 'MissedSchedule',
        action: 'Schedule',
        note: `Skipped the run for ${iso(due)}: ${Math.round(lateSeconds)}s late, past startingDeadlineSeconds ${spec.startingDeadlineSeconds}`,
      });
      status.lastScheduleTime = iso(due);
    } else if (busy) {
      events.push({
        type: 'Normal',
        reason: 'RunSkipped',
        action: 'Schedule',
        note: `Skipped the run for ${iso(due)}: ${active[0]?.metadata?.name} is still running (concurrencyPolicy Forbid)`,
      });
      status.lastScheduleTime = iso(due);
    } else {
      create = runFor(schedule, runName(name, due), due);
      status.lastScheduleTime = iso(due);
      events.push({
        type: 'Normal',
        reason: 'RunStarted',
        action: 'Schedule',
        note: `Started ${create.metadata?.name} for ${iso(due)}`,
      });
    }
    if (missed > 0) {
      events.push({
        type: 'Warning',
        reason: 'MissedRuns',
        action: 'Schedule',
        note: `${missed >= 100 ? 'more than 100' : missed} scheduled run${missed === 1 ? ' was' : 's were'} missed before ${iso(due)}; only the latest is caught up`,
      });
    }
  }
  if (create)
    status.active = [
      ...(status.active ?? []),
      {
        name: create.metadata?.name ?? '',
        scheduledTime: create.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION],
      },
    ];

  // History: the oldest finished runs past each limit go (their AWS job records and files stay).
  const byAge = (a: Run, b: Run) => scheduledTime(b).localeCompare(scheduledTime(a));
  const remove = [
    ...runs
      .filter(succeeded)
      .sort(byAge)
      .slice(spec.successfulJobsHistoryLimit ?? 3),
    ...runs
      .filter(failed)
      .sort(byAge)
      .slice(spec.failedJobsHistoryLimit ?? 1),
  ].map((r) => r.metadata?.name ?? '');
  for (const run of remove) {
    events.push({
      type: 'Normal',
      reason: 'HistoryPruned',
      action: 'Delete',
      note: `Deleted ${run} past the history limit; its AWS job record and exported files stay`,
    });
  }

  const next = spec.suspend ? undefined : cron.next(now);
  status.nextScheduleTime = next && iso(next);
  return {
    status: withConditions(schedule, status, now, readiness(spec.suspend ?? false, status)),
    events,
    ...(create ? { create } : {}),
    delete: remove,
    ...(next ? { requeueAt: next } : {}),
  };
}

/** Ready and Synced: a first run on its way is not Ready yet, a last run that failed after the last success is not Ready. */
function readiness(suspended: boolean, status: DatasetExportScheduleStatus): DesiredCondition[] {
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
function withConditions(
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
