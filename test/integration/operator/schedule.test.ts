import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { SCHEDULE_PLURAL } from '../../../src/kinds/dataset-export-schedule/schema.js';
import type {
  DatasetExportSchedule,
  DatasetExportScheduleSpec,
} from '../../../src/kinds/dataset-export-schedule/types.js';
import { kubectl } from '../../support/kube.js';
import { installCrd, type Stack, spec, startStack } from '../../support/operator.js';

/** Cron minutes pass in a second: the real API server and reconcile path, on the schedule's fast clock. */
const SPEED = 60;

describe('DatasetExportSchedule on a fast clock', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack.close());

  const objects = () => stack.kc.makeApiClient(CustomObjectsApi);
  const template = (): DatasetExportScheduleSpec['jobTemplate'] => {
    const { jobName: _unused, ...jobSpec } = spec({
      jobOutput: { s3DataDestination: { path: 's3://exports/dt={yyyy}-{MM}-{dd}/' } },
    });
    return { metadata: { labels: { team: 'ml' } }, spec: jobSpec };
  };
  const createSchedule = (name: string, scheduleSpec: Partial<DatasetExportScheduleSpec>) =>
    objects().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: stack.namespace,
      plural: SCHEDULE_PLURAL,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'DatasetExportSchedule',
        metadata: { name },
        spec: { schedule: '* * * * *', jobTemplate: template(), ...scheduleSpec },
      },
    });
  const patchSchedule = (name: string, body: object) =>
    objects().patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: stack.namespace, plural: SCHEDULE_PLURAL, name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  const getSchedule = async (name: string) =>
    (await objects().getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: stack.namespace,
      plural: SCHEDULE_PLURAL,
      name,
    })) as DatasetExportSchedule;
  const runsOf = async (name: string) =>
    (
      (await objects().listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: stack.namespace,
        plural: PLURAL,
        labelSelector: `personalize.ops.dev/schedule=${name}`,
      })) as { items: DatasetExportJob[] }
    ).items;
  const until = async <T>(
    what: string,
    read: () => Promise<T>,
    test: (v: T) => boolean,
    timeoutMs = 30_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await read();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)?.slice(0, 2000)}`);
  };
  const reasons = async (name: string) => (await stack.events(name)).map((e) => e.reason ?? '');

  it('starts a run per scheduled time, keeps the history limit, and reports successes', async () => {
    stack = await startStack({ speed: 1000 });
    await stack.startOperator({ scheduleClockSpeed: SPEED });
    await createSchedule('nightly', { successfulJobsHistoryLimit: 2, concurrencyPolicy: 'Allow' });
    // At least three runs start; finished ones past the limit of two are deleted.
    await until(
      'three runs and history pruned',
      () => reasons('nightly'),
      (r) => r.filter((x) => x === 'RunStarted').length >= 3 && r.includes('HistoryPruned'),
    );
    const runs = await runsOf('nightly');
    expect(runs.filter((r) => r.status?.status === 'ACTIVE').length).toBeLessThanOrEqual(2);
    const run = runs[0]!;
    expect(run.metadata?.name).toMatch(/^nightly-\d{8}$/);
    expect(run.metadata?.labels).toMatchObject({ team: 'ml', 'personalize.ops.dev/schedule': 'nightly' });
    expect(run.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'DatasetExportSchedule',
      name: 'nightly',
    });
    expect(run.spec.jobOutput.s3DataDestination.path).toMatch(/^s3:\/\/exports\/dt=\d{4}-\d{2}-\d{2}\/$/);
    const schedule = await until(
      'a success in status',
      () => getSchedule('nightly'),
      (s) => !!s.status?.lastSuccessfulTime,
    );
    expect(schedule.status?.nextScheduleTime).toBeDefined();
    expect(schedule.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const table = await kubectl(['get', 'dses', '-n', stack.namespace]);
    expect(table).toMatch(
      /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+LAST SUCCESS\s+NEXT\s+AGE$/m,
    );
  });

  it('under Forbid skips a run while one is in flight, and starts nothing while suspended', async () => {
    // Slow exports (a real 20 s): every cron minute meets the first run still in flight.
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 5_000, exportInProgressMs: 15_000 } });
    await stack.startOperator({ scheduleClockSpeed: SPEED });
    await createSchedule('forbid', {});
    await until(
      'a skipped run',
      () => reasons('forbid'),
      (r) => r.includes('RunSkipped'),
    );
    expect(await runsOf('forbid')).toHaveLength(1);

    await createSchedule('paused', { suspend: true });
    // The operator looked and set itself no next turn: while suspended, no clock wakes the schedule.
    await expect
      .poll(() => stack.reconciles('paused', 'datasetexportschedule').at(-1)?.result, { timeout: 10_000 })
      .toBe('none');
    expect(await runsOf('paused')).toHaveLength(0);
    expect((await getSchedule('paused')).status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'Suspended',
    );
    await patchSchedule('paused', { spec: { suspend: false } });
    await until(
      'a run after resume',
      () => runsOf('paused'),
      (r) => r.length === 1,
    );
  });

  it('shows a failed run in status until a later success, and counts runs in its metrics', async () => {
    stack = await startStack({ speed: 1000 });
    const denied = 'arn:aws:iam::123456789012:role/NoAccess';
    await stack.aws.setFaults({ deniedRoles: [denied] });
    const operator = await stack.startOperator({
      scheduleClockSpeed: SPEED,
      metricsAddr: { host: '127.0.0.1', port: 0 },
    });
    const failing = template();
    failing.spec.roleArn = denied;
    await createSchedule('flaky', { jobTemplate: failing, failedJobsHistoryLimit: 1 });
    const failed = await until(
      'a failed run',
      () => getSchedule('flaky'),
      (s) => !!s.status?.lastFailureTime,
    );
    expect(failed.status?.lastFailure?.failureReason).toBeTruthy();
    const ready = (s: DatasetExportSchedule) => s.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready(failed)).toMatchObject({ status: 'False', reason: 'LastRunFailed' });
    expect(failed.status?.conditions?.find((c) => c.type === 'Stalled')?.status).toBe('True');

    await patchSchedule('flaky', { spec: { jobTemplate: template() } });
    const recovered = await until(
      'a later success',
      () => getSchedule('flaky'),
      (s) =>
        s.status?.lastSuccessfulTime !== undefined &&
        Date.parse(s.status.lastSuccessfulTime) > Date.parse(s.status.lastFailureTime ?? ''),
    );
    expect(ready(recovered)?.status).toBe('True');
    const metrics = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    const series = (outcome: string) =>
      Number(
        new RegExp(
          `^personalize_operator_schedule_runs_total\\{schedule="${stack.namespace}/flaky",outcome="${outcome}"\\} (\\d+)$`,
          'm',
        ).exec(metrics)?.[1],
      );
    expect(series('started')).toBeGreaterThanOrEqual(2);
    expect(series('failed')).toBeGreaterThanOrEqual(1);
    expect(series('succeeded')).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(
      new RegExp(
        `^personalize_operator_schedule_next_run_timestamp_seconds\\{schedule="${stack.namespace}/flaky"\\} \\d+`,
        'm',
      ),
    );
  });

  it('after the operator was down, catches up once for the latest missed time, and never runs a time twice', async () => {
    stack = await startStack({ speed: 1000 });
    // One clock for both operators, so the restart does not turn schedule time back.
    const epoch = Date.now();
    const first = await stack.startOperator({ scheduleClockSpeed: SPEED, scheduleClockEpoch: epoch });
    await createSchedule('resumed', { concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 100 });
    await until(
      'a first run',
      () => runsOf('resumed'),
      (r) => r.length >= 1,
    );
    // Stopped at once, maybe between a run's Create and the schedule's status write.
    await first.stop(0);
    stack.operator = undefined;
    const before = (await runsOf('resumed')).length;
    await new Promise((r) => setTimeout(r, 4_000)); // about four cron minutes
    await stack.startOperator({ scheduleClockSpeed: SPEED, scheduleClockEpoch: epoch });
    await until(
      'the missed runs counted',
      () => reasons('resumed'),
      (r) => r.includes('MissedRuns'),
    );
    const missed = (await stack.events('resumed')).find((e) => e.reason === 'MissedRuns');
    expect(missed?.note).toMatch(
      /^\d+ scheduled runs? w(as|ere) missed before .*; only the latest is caught up$/,
    );
    // One catch-up run, not one per missed minute.
    const after = await runsOf('resumed');
    expect(after.length).toBeLessThanOrEqual(before + 2);
    const times = after.map((r) => r.metadata?.annotations?.['personalize.ops.dev/scheduled-at']);
    expect(new Set(times).size).toBe(times.length);
  });

  it('skips runs missed by more than startingDeadlineSeconds, saying so', async () => {
    stack = await startStack({ speed: 1000 });
    // An hour of cron a real second: every run is reconciled far more than one schedule second late.
    await stack.startOperator({ scheduleClockSpeed: 3_600 });
    await createSchedule('strict', {
      schedule: '0 * * * *',
      startingDeadlineSeconds: 1,
      concurrencyPolicy: 'Allow',
    });
    await until(
      'a skipped run',
      () => reasons('strict'),
      (r) => r.filter((x) => x === 'MissedSchedule').length >= 2,
    );
    const skipped = (await stack.events('strict')).find((e) => e.reason === 'MissedSchedule');
    expect(skipped?.note).toMatch(/^Skipped the run for .*: \d+s late, past startingDeadlineSeconds 1$/);
    expect(await runsOf('strict')).toHaveLength(0);
  });

  it('runs now on request, once per value', async () => {
    stack = await startStack({ speed: 1000 });
    await stack.startOperator({ scheduleClockSpeed: 1 });
    await createSchedule('yearly', { schedule: '@yearly' });
    await patchSchedule('yearly', {
      metadata: { annotations: { 'personalize.ops.dev/run-requested-at': 'first' } },
    });
    const [run] = await until(
      'the requested run',
      () => runsOf('yearly'),
      (r) => r.length === 1,
    );
    expect(run?.metadata?.name).toMatch(/^yearly-now-[0-9a-f]{8}$/);
    await until(
      'echoed',
      () => getSchedule('yearly'),
      (s) => s.status?.lastHandledRunRequestAt === 'first',
    );
    // The run's success wakes the schedule again, which sees the same request already handled.
    await until(
      'the run succeeded',
      () => getSchedule('yearly'),
      (s) => s.status?.lastSuccessfulTime !== undefined,
    );
    expect(await runsOf('yearly')).toHaveLength(1);
  });

  it('refuses an unknown time zone naming the field, and deleting the schedule collects its runs', async () => {
    stack = await startStack({ speed: 1000 });
    await stack.startOperator({ scheduleClockSpeed: SPEED });
    await createSchedule('lost', { timeZone: 'Mars/Olympus' });
    const lost = await until(
      'InvalidSchedule',
      () => getSchedule('lost'),
      (s) =>
        s.status?.conditions?.some((c) => c.type === 'Synced' && c.reason === 'InvalidSchedule') ?? false,
    );
    expect(lost.status?.conditions?.find((c) => c.type === 'Synced')?.message).toMatch(
      /^spec\.timeZone: Mars\/Olympus is not an IANA time zone/,
    );

    await createSchedule('collected', { concurrencyPolicy: 'Allow' });
    await until(
      'two runs',
      () => runsOf('collected'),
      (r) => r.length >= 2,
    );
    await kubectl(['delete', 'dses', 'collected', '-n', stack.namespace]);
    // kube-controller-manager's garbage collector removes the runs; the AWS jobs stay.
    await until(
      'runs collected',
      () => runsOf('collected'),
      (r) => r.length === 0,
      60_000,
    );
    expect((await stack.aws.stats()).CreateDatasetExportJob?.outcomes.OK).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
