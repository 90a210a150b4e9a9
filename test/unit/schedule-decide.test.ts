import { describe, expect, it } from 'vitest';
import { decideSchedule } from '../../src/kinds/dataset-export-schedule/decide.js';
import { runName } from '../../src/kinds/dataset-export-schedule/runs.js';
import type { DatasetExportSchedule } from '../../src/kinds/dataset-export-schedule/types.js';
import { at, cond, run, schedule } from '../support/schedule-fixtures.js';

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
