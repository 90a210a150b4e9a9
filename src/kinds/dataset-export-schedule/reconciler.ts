import type { Logger } from 'pino';
import { applyOutcome } from '../../runtime/outcome.js';
import type { EventSpec, Reconciler, Result } from '../../runtime/reconcile.js';

import type { Run } from './runs.js';
import type { DatasetExportSchedule, DatasetExportScheduleStatus } from './types.js';

/** The schedule's time: real time, or in tests a faster one, so minutes of cron pass in seconds. */
export interface Clock {
  now(): Date;
  /** Real milliseconds until the clock shows `at`. */
  realMsUntil(at: Date): number;
}

export const realClock: Clock = {
  now: () => new Date(),
  realMsUntil: (at) => at.getTime() - Date.now(),
};

/**
 * A clock `speed` times faster than real time since `epoch` (for tests and demos of schedules); processes
 * given the same epoch read the same time, so a restart does not turn it back.
 */
export function fastClock(speed: number, epoch = Date.now()): Clock {
  const now = () => new Date(epoch + (Date.now() - epoch) * speed);
  return { now, realMsUntil: (at) => (at.getTime() - now().getTime()) / speed };
}

export interface ScheduleEffects {
  /** The schedule's runs, from the cache of DatasetExportJobs. */
  runsOf(schedule: DatasetExportSchedule): Run[];
  /** Creates a run; resolves false when one of that name exists already. */
  createRun(run: Run): Promise<boolean>;
  deleteRun(namespace: string, name: string): Promise<void>;
  writeStatus(schedule: DatasetExportSchedule, status: DatasetExportScheduleStatus): Promise<void>;
  recordEvent(schedule: DatasetExportSchedule, event: EventSpec): Promise<void>;
  /** A run was started, or a run was seen to finish. */
  counted?(schedule: DatasetExportSchedule, outcome: RunOutcome): void;
}

export class ScheduleReconciler implements Reconciler<DatasetExportSchedule> {
  constructor(
    private readonly effects: ScheduleEffects,
    private readonly clock: Clock = realClock,
  ) {}

  async reconcile(schedule: DatasetExportSchedule, log: Logger): Promise<Result> {
    if (schedule.metadata?.deletionTimestamp) return { kind: 'none' };
    const now = this.clock.now();
    const { decideSchedule } = await loadDecision();
    const decision = decideSchedule(schedule, this.effects.runsOf(schedule), now);
    if (decision.create) {
      const created = await this.effects.createRun(decision.create);
      if (created) this.effects.counted?.(schedule, 'started');
      log.info(
        { run: decision.create.metadata?.name, created },
        created ? 'run started' : 'run existed already',
      );
    }
    const namespace = schedule.metadata?.namespace ?? '';
    for (const name of decision.delete) await this.effects.deleteRun(namespace, name);
    await applyOutcome(schedule, decision, this.effects, (old, status) => {
      if (status.lastSuccessfulTime !== old?.lastSuccessfulTime)
        this.effects.counted?.(schedule, 'succeeded');
      if (status.lastFailureTime !== old?.lastFailureTime) this.effects.counted?.(schedule, 'failed');
    });
    for (const event of decision.events) {
      const outcome = OUTCOME_OF_EVENT[event.reason];
      if (outcome) this.effects.counted?.(schedule, outcome);
    }
    if (!decision.requeueAt) return { kind: 'none' };
    // A little past the time, so the clock shows it when the reconcile runs; a far time (@yearly) is looked at
    // again hourly instead, so no timer outlives Node's 24.8-day limit and a changed clock is caught.
    const ms = Math.max(0, this.clock.realMsUntil(decision.requeueAt)) + 5;
    return { kind: 'after', ms: Math.min(ms, MAX_WAIT_MS) };
  }
}

// cron-parser and luxon cost about 9 MB of memory: loaded with the first schedule, not by every operator.
let decisionModule: Promise<typeof import('./decide.js')> | undefined;
const loadDecision = () => {
  decisionModule ??= import('./decide.js');
  return decisionModule;
};

const MAX_WAIT_MS = 60 * 60_000;

export type RunOutcome = 'started' | 'succeeded' | 'failed' | 'missed' | 'skipped';

/** Runs that did not happen, counted from the events that tell of them. */
const OUTCOME_OF_EVENT: Record<string, RunOutcome> = {
  MissedRuns: 'missed',
  MissedSchedule: 'missed',
  RunSkipped: 'skipped',
};
