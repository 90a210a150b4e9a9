import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetExportJobCommand,
  DescribeDatasetExportJobCommand,
  LimitExceededException,
  ListDatasetExportJobsCommand,
  PersonalizeServiceException,
} from '@aws-sdk/client-personalize';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SEED } from '../../../src/emulator/seed.js';
import {
  demoDataset,
  ROLE,
  sdkClient,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

const job = (jobName: string) => ({
  jobName,
  datasetArn: demoDataset('USERS'),
  roleArn: ROLE,
  jobOutput: { s3DataDestination: { path: 's3://bucket/x/' } },
});

describe('emulator faults', () => {
  let t: TestEmulator;
  afterEach(() => t.close());

  it('throttles with a token bucket; the SDK retries are visible in the call counter', async () => {
    t = await startTestEmulator();
    await t.setFaults({ rateLimits: { ListDatasetExportJobs: { perSecond: 5, burst: 1 } } });
    // The bucket is empty after each call; the SDK's standard retry backs off (random delays) and tries again
    // until a token returns, which enough attempts make certain.
    const patient = sdkClient(t.emulator.url, { maxAttempts: 8 });
    await patient.send(new ListDatasetExportJobsCommand({}));
    await patient.send(new ListDatasetExportJobsCommand({}));
    patient.destroy();
    const stats = (await t.stats()).ListDatasetExportJobs!;
    expect(stats.outcomes.OK).toBe(2);
    // The second call came at once, into an empty bucket: refused at least once, then retried by the SDK.
    expect(stats.outcomes.LimitExceededException).toBeGreaterThanOrEqual(1);
    expect(stats.calls).toBe(2 + stats.outcomes.LimitExceededException!);

    const once = sdkClient(t.emulator.url, { maxAttempts: 1 });
    await t.setFaults({ rateLimits: { '*': { perSecond: 0.001, burst: 1 } } });
    await once.send(new ListDatasetExportJobsCommand({}));
    const err = await once.send(new ListDatasetExportJobsCommand({})).catch((e) => e);
    once.destroy();
    expect(err).toBeInstanceOf(LimitExceededException);
    expect(err.message).toBe('The limit on the number of requests per second has been exceeded.');
  });

  it('injects HTTP 503s that the SDK retries, and 500s it surfaces when attempts run out', async () => {
    t = await startTestEmulator();
    await t.setFaults({ errorRates: { '*': { HTTP503: 1 } } });
    const err = await t.client.send(new ListDatasetExportJobsCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(PersonalizeServiceException);
    expect(err.$metadata.httpStatusCode).toBe(503);
    expect(err.$metadata.attempts).toBe(3);
    expect((await t.stats()).ListDatasetExportJobs?.outcomes.HTTP503).toBe(3);
  });

  it('drops connections and adds latency', async () => {
    t = await startTestEmulator();
    await t.setFaults({
      dropRates: { DescribeDatasetExportJob: 1 },
      latencyMs: { ListDatasetExportJobs: 150 },
    });
    const once = sdkClient(t.emulator.url, { maxAttempts: 1 });
    const err = await once
      .send(
        new DescribeDatasetExportJobCommand({
          datasetExportJobArn: 'arn:aws:personalize:us-east-1:1:dataset-export-job/x',
        }),
      )
      .catch((e) => e);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(String(err.code ?? err.name)).toMatch(/ECONNRESET|socket hang up|Error/i);
    const started = Date.now();
    await once.send(new ListDatasetExportJobsCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    once.destroy();
    expect((await t.stats()).DescribeDatasetExportJob?.outcomes.Dropped).toBe(1);
  });

  it('rejects a malformed fault document with the field named', async () => {
    t = await startTestEmulator();
    const res = await t.setFaults({ errorRates: { '*': { HTTP418: 0.5 } } } as never);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'InvalidInputException',
      message: 'faults.errorRates.*.HTTP418: unknown error (known: LimitExceededException, HTTP500, HTTP503)',
    });
  });

  it('resets counters and state', async () => {
    // Pending 50 s and in progress 100 s at speed 1000: the job would finish 150 ms after its Create.
    t = await startTestEmulator({ durations: { exportPendingMs: 50_000, exportInProgressMs: 100_000 } });
    await t.client.send(new CreateDatasetExportJobCommand(job('before-reset')));
    await t.admin('reset?what=stats', { method: 'POST' });
    expect(await t.stats()).toEqual({});
    await t.admin('reset', { method: 'POST' });
    expect((await t.client.send(new ListDatasetExportJobsCommand({}))).datasetExportJobs).toEqual([]);
    // The job of the replaced state never finishes: a job created after the reset, due later than it, has
    // finished and written its export, and it is the only one in the emptied bucket.
    const { datasetExportJobArn } = await t.client.send(
      new CreateDatasetExportJobCommand(job('after-reset')),
    );
    await expect
      .poll(
        async () =>
          (await t.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn }))).datasetExportJob
            ?.status,
        { timeout: 10_000 },
      )
      .toBe('ACTIVE');
    // The seed's own objects (data to import) are put back with its datasets; no export of before is left.
    const seeded = Object.keys(DEMO_SEED.s3 ?? {});
    const all = readdirSync(t.emulator.s3Root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.csv'),
    );
    expect(all).toEqual(expect.arrayContaining(seeded));
    const files = all.filter((f) => !seeded.includes(f));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.includes('after-reset'))).toBe(true);
  });
});

describe('emulator persistence', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps jobs, counters, files and tokens across a restart, and the lifecycle resumes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emulator-persist-'));
    dirs.push(dataDir);
    const first = await startTestEmulator({ dataDir, durations: { exportPendingMs: 200_000 } });
    for (const name of ['p1', 'p2', 'p3'])
      await first.client.send(new CreateDatasetExportJobCommand(job(name)));
    const page = await first.client.send(new ListDatasetExportJobsCommand({ maxResults: 2 }));
    await first.close();

    const second = await startTestEmulator({ dataDir });
    try {
      const rest = await second.client.send(
        new ListDatasetExportJobsCommand({ maxResults: 2, nextToken: page.nextToken }),
      );
      expect(rest.datasetExportJobs?.map((j) => j.jobName)).toEqual(['p1']);
      expect((await second.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(3);
      // Pending for 200 s at speed 1000 is 200 ms: the restarted engine carries the jobs to ACTIVE.
      const arn = 'arn:aws:personalize:us-east-1:123456789012:dataset-export-job/p1';
      let status = '';
      for (let i = 0; i < 200 && status !== 'ACTIVE'; i++) {
        status = (await second.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn })))
          .datasetExportJob!.status!;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(status).toBe('ACTIVE');
      const duplicate = await second.client
        .send(new CreateDatasetExportJobCommand(job('p1')))
        .catch((e) => e);
      expect(duplicate.name).toBe('ResourceAlreadyExistsException');
    } finally {
      await second.close();
    }
  });
});
