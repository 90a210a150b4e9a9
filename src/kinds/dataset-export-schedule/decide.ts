/**
 * What a schedule does next, from its spec and status, its runs and the time: start a run (at most one),
 * prune history, and report. A pure function, so every branch is tested with a fake clock.
 */

import type { EventSpec } from '../../runtime/reconcile.js';
import { readiness, withConditions } from './conditions.js';
import { parseCron } from './cron.js';
import { placeholderProblem } from './placeholders.js';
import {
  failed,
  finished,
  iso,
  later,
  type Run,
  requestedRunName,
  runFor,
  runName,
  scheduledTime,
  succeeded,
} from './runs.js';
import { RUN_REQUESTED_ANNOTATION, SCHEDULED_AT_ANNOTATION } from './schema.js';
import type { DatasetExportSchedule, DatasetExportScheduleStatus } from './types.js';

export interface ScheduleDecision {
  status: DatasetExportScheduleStatus;
  events: EventSpec[];
  /** A run to create (AlreadyExists counts as created: the name stands for the scheduled time). */
  create?: Run;
  /** Finished runs past the history limits, to delete. */
  delete: string[];
  /** When to look again, in the schedule's clock (ms after `now`); none when only a change can matter. */
  requeueAt?: Date;
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
  const latest = (of: Run[]) =>
    of
      .filter((r) => r.status?.lastUpdatedDateTime)
      .sort(
        (a, b) =>
          Date.parse(a.status?.lastUpdatedDateTime ?? '') - Date.parse(b.status?.lastUpdatedDateTime ?? ''),
      )
      .at(-1);
  const lastSucceeded = latest(runs.filter(succeeded));
  status.lastSuccessfulTime = later(lastSucceeded?.status?.lastUpdatedDateTime, old.lastSuccessfulTime);
  const lastFailed = latest(runs.filter(failed));
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
      note: `${lastSucceeded?.metadata?.name} finished ACTIVE at ${status.lastSuccessfulTime}`,
    });
  }

  let create: Run | undefined;
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
