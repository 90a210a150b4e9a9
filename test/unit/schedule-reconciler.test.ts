import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ScheduleReconciler } from '../../src/kinds/dataset-export-schedule/reconciler.js';
import { runName } from '../../src/kinds/dataset-export-schedule/runs.js';
import { at, schedule } from '../support/schedule-fixtures.js';

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
