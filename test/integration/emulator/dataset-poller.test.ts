import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJob } from '../../../src/kinds/dataset-export-job/job.js';
import { JobGateway } from '../../../src/personalize-job/gateway.js';
import type { Identity } from '../../../src/personalize-job/observation.js';
import {
  ACCOUNT,
  createDemoJob,
  demoDataset,
  REGION,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

const log = pino({ level: 'silent' });
const identityOf = (arn: string): Identity => ({
  region: REGION,
  account: ACCOUNT,
  partition: 'aws',
  jobName: arn.split('/').pop() ?? '',
  arn,
});

describe('the dataset poller over the real SDK and the emulator', () => {
  let t: TestEmulator;
  let gateway: JobGateway<unknown>;
  afterEach(async () => {
    gateway.destroy();
    await t.close();
  });

  it('lists a page, not the whole history, while the running jobs are on it, and wakes the ones that moved', async () => {
    // Jobs stay pending for 1.5 s, then run for 1.5 s.
    t = await startTestEmulator({
      speed: 1,
      durations: { exportPendingMs: 1_500, exportInProgressMs: 1_500 },
    });
    const woken: string[] = [];
    gateway = new JobGateway({
      kind: exportJob,
      endpoint: t.emulator.url,
      logger: log,
      changed: (key) => woken.push(key),
    });
    // 250 older jobs of the dataset (three pages of 100), then the one the operator watches.
    for (let i = 0; i < 250; i++) await createDemoJob(t.client, `old-${i}`, 'USERS');
    const arn = await createDemoJob(t.client, 'watched', 'USERS');
    await t.admin('reset?what=stats', { method: 'POST' });

    const watched = identityOf(arn);
    gateway.watch(watched, demoDataset('USERS'), 'ns/watched', 300, {
      arn,
      jobName: 'watched',
      status: 'CREATE PENDING',
    });
    await expect.poll(() => woken, { timeout: 10_000, interval: 100 }).toEqual(['ns/watched', 'ns/watched']);
    const stats = await t.stats();
    const sweeps = stats.ListDatasetExportJobs?.calls ?? 0;
    // Newest first: every sweep found the watched job on its first page (about one every 300 ms for 3 s),
    // and once it was ACTIVE the dataset was not listed again.
    expect(sweeps).toBeGreaterThan(3);
    expect(sweeps).toBeLessThan(20);
    // Nothing is due: with its only watched job finished, the dataset is not listed again.
    await expect.poll(() => gateway.polling()).toBe(0);
    expect((await t.stats()).ListDatasetExportJobs?.calls).toBe(sweeps);
    expect(stats.DescribeDatasetExportJob).toBeUndefined();
    const seen = await gateway.fromList(watched, demoDataset('USERS'), log, 60_000);
    expect(seen).toMatchObject({ kind: 'found', job: { status: 'ACTIVE' } });

    // A lookup of a job nobody watches pages through the whole history to say it is missing.
    await t.admin('reset?what=stats', { method: 'POST' });
    const missing = identityOf(arn.replace('watched', 'absent'));
    expect(await gateway.fromList(missing, demoDataset('USERS'), log, 0)).toEqual({ kind: 'missing' });
    expect((await t.stats()).ListDatasetExportJobs?.calls).toBe(3);
  });
});
