import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DatasetExportJob, DatasetExportSchedule } from '../../src/api/types.js';
import { type Cron, parseCron } from '../../src/kinds/dataset-export-schedule/cron.js';
import { decideSchedule } from '../../src/kinds/dataset-export-schedule/decide.js';
import { evaluatePath, placeholderProblem } from '../../src/kinds/dataset-export-schedule/placeholders.js';
import { ScheduleReconciler } from '../../src/kinds/dataset-export-schedule/reconciler.js';
import { runName } from '../../src/kinds/dataset-export-schedule/runs.js';

const cron = (schedule: string, zone = 'UTC') => {
  const parsed = parseCron(schedule, zone);
  if ('invalid' in parsed) throw new Error(parsed.invalid);
  return parsed as Cron;
};
const at = (iso: string) => new Date(iso);

describe('schedules read as CronJob reads them', () => {
  it('takes five fields and the aliases, and refuses the rest naming the field', () => {
    expect(cron('@daily').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(cron('@weekly').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(cron('@annually').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(parseCron('0 3 * *', 'UTC')).toEqual({
      invalid: expect.stringMatching(/^spec\.schedule: "0 3 \* \*" must be five fields/),
    });
    expect(parseCron('61 * * * *', 'UTC')).toEqual({
      invalid: expect.stringMatching(/^spec\.schedule: "61 \* \* \* \*" is not a valid schedule: /),
    });
    expect(parseCron('CRON_TZ=UTC 0 3 * * *', 'UTC')).toEqual({
      invalid: 'spec.schedule: TZ= and CRON_TZ= are not supported: use spec.timeZone',
    });
    expect(parseCron('@daily', 'Mars/Olympus')).toEqual({
      invalid: 'spec.timeZone: Mars/Olympus is not an IANA time zone (such as UTC or Europe/Berlin)',
    });
  });

  it('runs 30 2 * * * in Europe/Berlin once on both daylight-saving days', () => {
    const berlin = cron('30 2 * * *', 'Europe/Berlin');
    // 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist; the run comes an hour later (03:30 CEST).
    expect(berlin.next(at('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin.next(at('2026-03-29T01:30:00Z')).toISOString()).toBe('2026-03-30T00:30:00.000Z');
    // 25 October 2026: 02:30 happens twice; the run comes once, at the first (CEST).
    expect(berlin.next(at('2026-10-24T12:00:00Z')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(berlin.next(at('2026-10-25T00:30:00Z')).toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  it('honours month ends and leap days', () => {
    expect(cron('0 0 31 * *').next(at('2026-04-01T00:00:00Z')).toISOString()).toBe(
      '2026-05-31T00:00:00.000Z',
    );
    expect(cron('0 0 29 2 *').next(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('finds the latest missed time and counts the missed ones without an unbounded walk', () => {
    const everyMinute = cron('* * * * *');
    const since = at('2025-11-29T00:00:00Z');
    const now = at('2026-11-29T00:00:30Z');
    expect(everyMinute.latest(since, now)?.toISOString()).toBe('2026-11-29T00:00:00.000Z');
    // A year suspended with a run every minute: counted up to the limit, not walked.
    expect(everyMinute.countBetween(since, now)).toBe(100);
    expect(everyMinute.latest(now, at('2026-11-29T00:00:45Z'))).toBeUndefined();
  });
});

describe('path placeholders', () => {
  it('reads the scheduled time in the schedule’s zone', () => {
    const path = 's3://b/exports/dt={yyyy}-{MM}-{dd}/h={HH}{mm}/';
    expect(evaluatePath(path, at('2026-12-31T23:30:00Z'), 'UTC')).toBe(
      's3://b/exports/dt=2026-12-31/h=2330/',
    );
    expect(evaluatePath(path, at('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe(
      's3://b/exports/dt=2027-01-01/h=0030/',
    );
    expect(placeholderProblem(path)).toBeUndefined();
    expect(placeholderProblem('s3://b/{day}/')).toBe(
      'spec.jobTemplate.spec.jobOutput.s3DataDestination.path: unknown placeholder {day} (the placeholders are {yyyy}, {MM}, {dd}, {HH}, {mm})',
    );
  });
});

const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
function schedule(
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
const run = (name: string, scheduled: string, status?: string, updated?: string): DatasetExportJob => ({
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
const cond = (s: ReturnType<typeof decideSchedule>, type: string) =>
  s.status.conditions?.find((c) => c.type === type);

describe('decideSchedule', () => {
  it('starts one run per scheduled time, named for it, owned by the schedule, the path read then', () => {
    const d = decideSchedule(schedule(), [], at('2026-11-29T03:00:20Z'));
    expect(d.create?.metadata?.name).toBe(runName('nightly', at('2026-11-29T03:00:00Z')));
    expect(d.create?.metadata?.labels).toEqual({ team: 'ml', 'personalize.ops.dev/schedule': 'nightly' });
    expect(d.create?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'DatasetExportSchedule',
      name: 'nightly',
      uid: 'uid-s',
      controller: true,
    });
    expect(d.create?.spec.jobOutput.s3DataDestination.path).toBe('s3://b/dt=2026-11-29/');
    expect(d.status.lastScheduleTime).toBe('2026-11-29T03:00:00Z');
    expect(d.status.nextScheduleTime).toBe('2026-11-29T04:00:00Z');
    expect(d.requeueAt?.toISOString()).toBe('2026-11-29T04:00:00.000Z');
    // Two missed before the latest (01:00, 02:00): counted, not run.
    expect(d.events.map((e) => e.reason)).toEqual(['RunStarted', 'MissedRuns']);
    expect(d.events[1]?.note).toMatch(/^2 scheduled runs were missed before 2026-11-29T03:00:00Z/);
    expect(cond(d, 'Ready')).toMatchObject({ status: 'False', reason: 'FirstRunInProgress' });
    expect(cond(d, 'Reconciling')?.status).toBe('True');
  });

  it('skips a run while one is in flight under Forbid, and overlaps under Allow', () => {
    const inFlight = [run('nightly-1', '2026-11-29T02:00:00Z', 'CREATE IN_PROGRESS')];
    const last = { lastScheduleTime: '2026-11-29T02:00:00Z' };
    const forbid = decideSchedule(schedule({}, last), inFlight, at('2026-11-29T03:00:05Z'));
    expect(forbid.create).toBeUndefined();
    expect(forbid.events).toMatchObject([
      { reason: 'RunSkipped', note: expect.stringContaining('nightly-1 is still running') },
    ]);
    expect(forbid.status.lastScheduleTime).toBe('2026-11-29T03:00:00Z');
    const allow = decideSchedule(
      schedule({ concurrencyPolicy: 'Allow' }, last),
      inFlight,
      at('2026-11-29T03:00:05Z'),
    );
    expect(allow.create).toBeDefined();
    expect(allow.status.active?.map((a) => a.name)).toEqual(['nightly-1', allow.create?.metadata?.name]);
  });

  it('starts nothing while suspended, and skips a run missed past the starting deadline', () => {
    const suspended = decideSchedule(schedule({ suspend: true }), [], at('2026-11-29T03:00:05Z'));
    expect(suspended.create).toBeUndefined();
    expect(suspended.status.nextScheduleTime).toBeUndefined();
    expect(cond(suspended, 'Ready')).toMatchObject({ status: 'True', reason: 'Suspended' });
    const late = decideSchedule(schedule({ startingDeadlineSeconds: 60 }), [], at('2026-11-29T03:05:00Z'));
    expect(late.create).toBeUndefined();
    expect(late.events[0]).toMatchObject({ reason: 'MissedSchedule' });
  });

  it('deletes the oldest finished runs past the limits, never one in flight', () => {
    const runs = [
      run('s1', '2026-11-29T01:00:00Z', 'ACTIVE', '2026-11-29T01:05:00Z'),
      run('s2', '2026-11-29T02:00:00Z', 'ACTIVE', '2026-11-29T02:05:00Z'),
      run('s3', '2026-11-29T03:00:00Z', 'ACTIVE', '2026-11-29T03:05:00Z'),
      run('f1', '2026-11-28T23:00:00Z', 'CREATE FAILED', '2026-11-28T23:05:00Z'),
      run('f2', '2026-11-29T00:00:00Z', 'CREATE FAILED', '2026-11-29T00:05:00Z'),
      run('a1', '2026-11-28T20:00:00Z', 'CREATE IN_PROGRESS'),
    ];
    const d = decideSchedule(
      schedule({ concurrencyPolicy: 'Allow' }, { lastScheduleTime: '2026-11-29T03:00:00Z' }),
      runs,
      at('2026-11-29T03:30:00Z'),
    );
    expect(d.delete.sort()).toEqual(['f1', 's1']);
    expect(d.events.filter((e) => e.reason === 'HistoryPruned').map((e) => e.note)).toContain(
      'Deleted s1 past the history limit; its AWS job record and exported files stay',
    );
    expect(d.status.lastSuccessfulTime).toBe('2026-11-29T03:05:00Z');
    expect(d.status.lastFailure).toEqual({ name: 'f2', failureReason: 'no access' });
    expect(cond(d, 'Ready')?.status).toBe('True');
  });

  it('is not Ready, and Stalled, when the last run failed after the last success, until a later success', () => {
    const failing = decideSchedule(
      schedule({}, { lastScheduleTime: '2026-11-29T03:00:00Z' }),
      [
        run('s1', '2026-11-29T02:00:00Z', 'ACTIVE', '2026-11-29T02:05:00Z'),
        run('f1', '2026-11-29T03:00:00Z', 'CREATE FAILED', '2026-11-29T03:05:00Z'),
      ],
      at('2026-11-29T03:30:00Z'),
    );
    expect(cond(failing, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'LastRunFailed',
      message: 'The last run f1 failed: no access',
    });
    expect(cond(failing, 'Stalled')?.status).toBe('True');
    expect(failing.events.map((e) => e.reason)).toContain('RunFailed');
    // Each event names its run.
    expect(failing.events.find((e) => e.reason === 'RunFailed')?.note).toBe(
      'f1 ended CREATE FAILED: no access',
    );
    expect(failing.events.find((e) => e.reason === 'RunSucceeded')?.note).toBe(
      's1 finished ACTIVE at 2026-11-29T02:05:00Z',
    );
  });

  it('starts one run on request, once per value, and holds it while Forbid says wait', () => {
    const requested = (value: string, status?: DatasetExportSchedule['status']) => {
      const s = schedule({}, status);
      s.metadata = { ...s.metadata, annotations: { 'personalize.ops.dev/run-requested-at': value } };
      return s;
    };
    const first = decideSchedule(
      requested('now-1', { lastScheduleTime: '2026-11-29T03:00:00Z' }),
      [],
      at('2026-11-29T03:10:00Z'),
    );
    expect(first.create?.metadata?.name).toMatch(/^nightly-now-[0-9a-f]{8}$/);
    expect(first.status.lastHandledRunRequestAt).toBe('now-1');
    const again = decideSchedule(requested('now-1', first.status), [], at('2026-11-29T03:11:00Z'));
    expect(again.create).toBeUndefined();
    const waiting = decideSchedule(
      requested('now-2', first.status),
      [run(first.create?.metadata?.name ?? '', '2026-11-29T03:10:00Z', 'CREATE PENDING')],
      at('2026-11-29T03:12:00Z'),
    );
    expect(waiting.create).toBeUndefined();
    expect(waiting.status.lastHandledRunRequestAt).toBe('now-1');
  });

  it('refuses an invalid schedule, zone or placeholder naming the field, and starts nothing', () => {
    const bad = decideSchedule(schedule({ timeZone: 'Nowhere/Else' }), [], at('2026-11-29T03:00:05Z'));
    expect(bad.create).toBeUndefined();
    expect(cond(bad, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'InvalidSchedule',
      message: expect.stringMatching(/^spec\.timeZone: /),
    });
    expect(cond(bad, 'Stalled')?.status).toBe('True');
    expect(bad.events).toMatchObject([{ type: 'Warning', reason: 'InvalidSchedule' }]);
  });
});

describe('the schedule shell', () => {
  it('never starts a second run for one scheduled time when the status write after its Create was lost', async () => {
    const created: string[] = [];
    const existing = new Set<string>();
    let lose = true;
    const writes: unknown[] = [];
    const reconciler = new ScheduleReconciler(
      {
        runsOf: () => [],
        createRun: async (r) => {
          const name = r.metadata?.name ?? '';
          if (existing.has(name)) return false;
          existing.add(name);
          created.push(name);
          return true;
        },
        deleteRun: async () => undefined,
        writeStatus: async (_s, status) => {
          if (lose) throw new Error('the process died before the status write');
          writes.push(status);
        },
        recordEvent: async () => undefined,
      },
      {
        now: () => at('2026-11-29T03:00:20Z'),
        realMsUntil: (t) => t.getTime() - at('2026-11-29T03:00:20Z').getTime(),
      },
    );
    const log = pino({ level: 'silent' });
    await expect(reconciler.reconcile(schedule(), log)).rejects.toThrow(/died/);
    lose = false;
    // The restarted operator decides the same scheduled time, and its Create meets the run made before.
    const result = await reconciler.reconcile(schedule(), log);
    expect(created).toEqual([runName('nightly', at('2026-11-29T03:00:00Z'))]);
    expect(writes).toHaveLength(1);
    expect(result).toEqual({ kind: 'after', ms: 59 * 60_000 + 40_000 + 5 });
  });
});

describe('far schedules', () => {
  it('look again within the hour instead of arming a timer past Node’s limit', async () => {
    const reconciler = new ScheduleReconciler(
      {
        runsOf: () => [],
        createRun: async () => true,
        deleteRun: async () => undefined,
        writeStatus: async () => undefined,
        recordEvent: async () => undefined,
      },
      {
        now: () => at('2026-11-29T03:00:20Z'),
        realMsUntil: (t) => t.getTime() - at('2026-11-29T03:00:20Z').getTime(),
      },
    );
    expect(await reconciler.reconcile(schedule({ schedule: '@yearly' }), pino({ level: 'silent' }))).toEqual({
      kind: 'after',
      ms: 3_600_000,
    });
  });
});
