import {
  CreateDatasetExportJobCommand,
  InvalidNextTokenException,
  ListDatasetExportJobsCommand,
  paginateListDatasetExportJobs,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset, ROLE, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

describe('emulator pagination of ListDatasetExportJobs', () => {
  let t: TestEmulator;
  const names: string[] = [];
  beforeAll(async () => {
    t = await startTestEmulator();
    for (let i = 0; i < 260; i++) {
      const name = `job-${String(i).padStart(3, '0')}`;
      names.push(name);
      await t.client.send(
        new CreateDatasetExportJobCommand({
          jobName: name,
          datasetArn: demoDataset(i % 4 === 0 ? 'ITEMS' : 'INTERACTIONS'),
          roleArn: ROLE,
          jobOutput: { s3DataDestination: { path: 's3://bucket/p/' } },
        }),
      );
    }
  });
  afterAll(() => t.close());

  it('returns every job exactly once through the SDK paginator, newest first', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListDatasetExportJobs({ client: t.client, pageSize: 100 }, {})) {
      pages++;
      seen.push(...(page.datasetExportJobs ?? []).map((j) => j.jobName!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].reverse());
  });

  it('is stable when jobs are created between pages', async () => {
    const first = await t.client.send(new ListDatasetExportJobsCommand({ maxResults: 50 }));
    await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'created-mid-listing',
        datasetArn: demoDataset('ITEMS'),
        roleArn: ROLE,
        jobOutput: { s3DataDestination: { path: 's3://bucket/p/' } },
      }),
    );
    const seen = (first.datasetExportJobs ?? []).map((j) => j.jobName!);
    let token = first.nextToken;
    while (token) {
      const page = await t.client.send(
        new ListDatasetExportJobsCommand({ maxResults: 50, nextToken: token }),
      );
      seen.push(...(page.datasetExportJobs ?? []).map((j) => j.jobName!));
      token = page.nextToken;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(260);
  });

  it('filters by datasetArn and leaves nextToken out of the last page', async () => {
    const items = await t.client.send(
      new ListDatasetExportJobsCommand({ datasetArn: demoDataset('ITEMS'), maxResults: 100 }),
    );
    expect(items.datasetExportJobs?.length).toBe(66);
    expect(items.nextToken).toBeUndefined();
    expect(items.datasetExportJobs?.[0]).toMatchObject({
      jobName: 'created-mid-listing',
      status: expect.any(String),
    });
    expect(items.datasetExportJobs?.[0]?.creationDateTime).toBeInstanceOf(Date);

    // A job created after the dataset's first listing is in the next one, and only in its own dataset's.
    await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'created-after-listing',
        datasetArn: demoDataset('INTERACTIONS'),
        roleArn: ROLE,
        jobOutput: { s3DataDestination: { path: 's3://bucket/p/' } },
      }),
    );
    const list = async (type: 'ITEMS' | 'INTERACTIONS') =>
      (
        await t.client.send(
          new ListDatasetExportJobsCommand({ datasetArn: demoDataset(type), maxResults: 100 }),
        )
      ).datasetExportJobs ?? [];
    expect((await list('ITEMS')).map((j) => j.jobName)).not.toContain('created-after-listing');
    const interactions = await list('INTERACTIONS');
    expect(interactions[0]?.jobName).toBe('created-after-listing');
  });

  it('refuses a token used with another filter', async () => {
    const first = await t.client.send(new ListDatasetExportJobsCommand({ maxResults: 10 }));
    const err = await t.client
      .send(
        new ListDatasetExportJobsCommand({ nextToken: first.nextToken, datasetArn: demoDataset('ITEMS') }),
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidNextTokenException);
    expect(err.message).toBe('nextToken: the token belongs to a different request');
  });
});
