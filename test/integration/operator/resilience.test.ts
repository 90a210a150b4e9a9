import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListDatasetExportJobsCommand } from '@aws-sdk/client-personalize';
import { Watch } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { startTestEmulator } from '../../support/emulator.js';
import { condition, installCrd, type Stack, spec, startStack } from '../../support/operator.js';
import { type OperatorProcess, spawnOperator } from '../../support/operator-process.js';

describe('operator resilience', () => {
  let stack: Stack;
  const processes: OperatorProcess[] = [];
  const dirs: string[] = [];
  beforeAll(installCrd);
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill('SIGKILL');
    await stack.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('never creates twice when it crashes between Create and the status write', async () => {
    stack = await startStack();
    // The Create is carried out at once but its answer takes 10 s: time to kill the operator before it hears.
    await stack.aws.setFaults({ latencyMs: { CreateDatasetExportJob: 10_000 } });
    const first = spawnOperator(stack.aws.emulator.url, stack.namespace);
    processes.push(first);
    await stack.create('crash', spec());
    for (let i = 0; i < 400; i++) {
      const jobs = await stack.aws.client.send(new ListDatasetExportJobsCommand({}));
      if (jobs.datasetExportJobs?.length) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await first.kill('SIGKILL')).toBeNull();
    expect((await stack.get('crash')).status?.datasetExportJobArn).toBeUndefined();

    await stack.aws.setFaults({});
    processes.push(spawnOperator(stack.aws.emulator.url, stack.namespace));
    const done = await stack.waitFor('crash', (o) => o.status?.status === 'ACTIVE');
    expect(done.status?.datasetExportJobArn).toMatch(/dataset-export-job\/.+-crash-[0-9a-f]{10}$/);
    const creates = (await stack.aws.stats()).CreateDatasetExportJob!;
    expect(creates.calls).toBe(1);
    expect(
      (await stack.aws.client.send(new ListDatasetExportJobsCommand({}))).datasetExportJobs,
    ).toHaveLength(1);
  });

  it('picks up mid-flight jobs after a restart, with no second Create, and exits cleanly on SIGTERM', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 200, exportInProgressMs: 1_500 } });
    const first = spawnOperator(stack.aws.emulator.url, stack.namespace);
    processes.push(first);
    for (const name of ['m1', 'm2', 'm3']) await stack.create(name, spec());
    await stack.waitFor('m3', (o) => o.status?.status === 'CREATE IN_PROGRESS');
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(first.output()).toMatch(/"msg":"operator stopped"/);
    processes.push(spawnOperator(stack.aws.emulator.url, stack.namespace));
    for (const name of ['m1', 'm2', 'm3']) await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE');
    expect((await stack.aws.stats()).CreateDatasetExportJob?.calls).toBe(3);
  });

  it('times out a hung Create: the others converge meanwhile, and the slow one gets no second job', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 300, exportInProgressMs: 2_000 } });
    // One worker: without a timeout, a Create whose answer never comes would hold it, and every poll, for good.
    await stack.startOperator({ concurrency: 1, awsTimeoutMs: 1_000 });
    for (const name of ['steady-a', 'steady-b']) await stack.create(name, spec());
    for (const name of ['steady-a', 'steady-b'])
      await stack.waitFor(name, (o) => o.status?.datasetExportJobArn !== undefined);
    await stack.aws.setFaults({ latencyMs: { CreateDatasetExportJob: 120_000 } });
    await stack.create('slow', spec());
    const timedOut = await stack.waitFor('slow', (o) => condition(o, 'Synced')?.reason === 'AWSUnavailable');
    expect(condition(timedOut, 'Synced')?.message).toMatch(/CreateDatasetExportJob got no answer within 1s/);
    for (const name of ['steady-a', 'steady-b'])
      await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE', 15_000);

    await stack.aws.setFaults({});
    const done = await stack.waitFor('slow', (o) => o.status?.status === 'ACTIVE', 15_000);
    expect(done.status?.datasetExportJobArn).toMatch(/-slow-[0-9a-f]{10}$/);
    const creates = (await stack.aws.stats()).CreateDatasetExportJob!;
    expect(creates.outcomes.OK).toBe(3);
    expect(
      (await stack.aws.client.send(new ListDatasetExportJobsCommand({}))).datasetExportJobs,
    ).toHaveLength(3);
  });

  it('fails /healthz while queued work sees no reconcile finish, and passes again once it moves', async () => {
    stack = await startStack();
    await stack.aws.setFaults({ latencyMs: { CreateDatasetExportJob: 4_000 } });
    const operator = await stack.startOperator({
      concurrency: 1,
      stallTimeoutMs: 1_000,
      awsTimeoutMs: 30_000,
      healthAddr: { host: '127.0.0.1', port: 0 },
    });
    const healthz = async () => {
      const res = await fetch(`${operator.healthUrl}/healthz`);
      return `${res.status} ${await res.text()}`;
    };
    for (const name of ['held-1', 'held-2']) await stack.create(name, spec());
    await expect
      .poll(healthz, { timeout: 10_000, interval: 100 })
      .toMatch(/^503 datasetexportjob: no reconcile finished for \d+s while 1 keys wait/);
    expect(await operator.registry.getSingleMetricAsString('controller_runtime_healthy')).toMatch(
      /controller_runtime_healthy\{check="progress"\} 0/,
    );
    await stack.aws.setFaults({});
    for (const name of ['held-1', 'held-2']) await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE');
    await expect.poll(healthz, { timeout: 10_000, interval: 100 }).toBe('200 ok\n');
  });

  it('converges through a throttling storm with exactly one successful Create per job', async () => {
    stack = await startStack();
    await stack.aws.setFaults({ errorRates: { '*': { LimitExceededException: 0.6 } } });
    await stack.startOperator({ concurrency: 8 });
    const names = Array.from({ length: 12 }, (_, i) => `storm-${i}`);
    for (const name of names) await stack.create(name, spec());
    // Wait until the storm has shown on a resource (or it got through) before easing it.
    await stack.waitFor(
      'storm-0',
      (o) => o.status?.status === 'ACTIVE' || condition(o, 'Synced')?.reason === 'Throttled',
      45_000,
    );
    await stack.aws.setFaults({ errorRates: { '*': { LimitExceededException: 0.3 } } });
    for (const name of names)
      await stack.waitFor(
        name,
        (o) => o.status?.status === 'ACTIVE' && condition(o, 'Synced')?.status === 'True',
        60_000,
      );
    const stats = await stack.aws.stats();
    const creates = stats.CreateDatasetExportJob!;
    expect(creates.outcomes.OK).toBe(names.length);
    expect(creates.outcomes.ResourceAlreadyExistsException ?? 0).toBe(0);
    // The storm really hit: calls were refused (which ones depends on timing).
    const throttled = Object.values(stats).reduce((n, s) => n + (s.outcomes.LimitExceededException ?? 0), 0);
    expect(throttled).toBeGreaterThan(0);
  });

  it('leaves a minute of 30 % throttled calls behind within 60 s: 150 resources at real speed', async () => {
    stack = await startStack({ speed: 1 });
    const limit = { '*': { perSecond: 20, burst: 20 } };
    await stack.aws.setFaults({ rateLimits: limit, errorRates: { '*': { LimitExceededException: 0.3 } } });
    const stormStart = Date.now();
    // The operator's own defaults, but polls as short as a 10 s job wants.
    await stack.startOperator({
      pollMinMs: 1_000,
      pollMaxMs: 5_000,
      backoffBaseMs: 1_000,
      backoffMaxMs: 300_000,
    });
    const names = Array.from({ length: 150 }, (_, i) => `fleet-${i}`);
    for (const name of names) await stack.create(name, spec());
    await new Promise((r) => setTimeout(r, Math.max(0, stormStart + 60_000 - Date.now())));
    await stack.aws.setFaults({ rateLimits: limit });
    const stormEnd = Date.now();
    const active = async () =>
      (
        (await stack.api.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: stack.namespace,
          plural: PLURAL,
        })) as { items: DatasetExportJob[] }
      ).items.filter((o) => o.status?.status === 'ACTIVE').length;
    await expect.poll(active, { timeout: 60_000, interval: 500 }).toBe(names.length);
    expect(Date.now() - stormEnd).toBeLessThan(60_000);
    const stats = await stack.aws.stats();
    expect(stats.CreateDatasetExportJob?.outcomes.OK).toBe(names.length);
    expect(stats.CreateDatasetExportJob?.outcomes.LimitExceededException).toBeGreaterThan(0);
  }, 180_000);

  it('reports AWS unavailable while the endpoint is down and converges when it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'operator-down-'));
    dirs.push(dataDir);
    stack = await startStack({
      dataDir,
      speed: 1,
      durations: { exportPendingMs: 100, exportInProgressMs: 200 },
    });
    const port = stack.aws.emulator.port;
    await stack.aws.close();
    await stack.startOperator();
    await stack.create('outage', spec());
    const down = await stack.waitFor('outage', (o) => condition(o, 'Synced')?.reason === 'AWSUnavailable');
    expect(condition(down, 'Synced')).toMatchObject({ status: 'False' });
    expect(condition(down, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NotCreated' });

    stack.aws = await startTestEmulator({
      dataDir,
      port,
      speed: 1,
      durations: { exportPendingMs: 100, exportInProgressMs: 200 },
    });
    const up = await stack.waitFor('outage', (o) => o.status?.status === 'ACTIVE', 30_000);
    expect(condition(up, 'Synced')?.status).toBe('True');
    expect((await stack.aws.stats()).CreateDatasetExportJob?.calls).toBe(1);
  });

  it('writes status only when something changed: one write per observed transition', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 600, exportInProgressMs: 1_200 } });
    await stack.startOperator();
    const writes: string[] = [];
    const watch = await new Watch(stack.kc).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${stack.namespace}/${PLURAL}`,
      {},
      (type, obj: DatasetExportJob) => {
        if (type === 'MODIFIED' && obj.metadata?.name === 'quiet')
          writes.push(
            `${obj.status?.status ?? '(none)'}${obj.status?.datasetExportJobArn ? '' : ' without ARN'}`,
          );
      },
      () => undefined,
    );
    await stack.create('quiet', spec());
    await stack.waitFor('quiet', (o) => o.status?.status === 'ACTIVE');
    // The reconcile that wrote ACTIVE decided on no next turn, and the sentinel proves every write that
    // followed from earlier reconciles has reached the watch.
    await expect.poll(() => stack.reconciles('quiet').at(-1)?.result).toBe('none');
    await stack.sentinel();
    watch.abort();
    // The record of the Create about to be made, then the ARN with CREATE PENDING (Create's answer) in one
    // write, then one write per AWS transition.
    expect(writes).toEqual(['(none) without ARN', 'CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    // Many more polls than writes: polls that saw no change wrote nothing.
    const stats = await stack.aws.stats();
    expect(
      (stats.ListDatasetExportJobs?.calls ?? 0) + (stats.DescribeDatasetExportJob?.calls ?? 0),
    ).toBeGreaterThan(10);
  });
});
