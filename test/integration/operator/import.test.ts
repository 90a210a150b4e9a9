import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CreateDatasetImportJobCommand, ListDatasetExportJobsCommand } from '@aws-sdk/client-personalize';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { IMPORT_PLURAL } from '../../../src/kinds/dataset-import-job/schema.js';
import type { DatasetImportJob } from '../../../src/kinds/dataset-import-job/types.js';
import { packageRoot } from '../../../src/local/package-root.js';
import { resourceName } from '../../../src/personalize-job/existing-jobs.js';
import { createDemoJob, demoDataset, ROLE } from '../../support/emulator.js';
import { createTestNamespace, kubectl } from '../../support/kube.js';
import { createJob, installCrd, resources, type Stack, spec, startStack } from '../../support/operator.js';
import { cliArgs } from '../../support/operator-process.js';

const run = promisify(execFile);
const TYPES = ['ITEMS', 'USERS', 'INTERACTIONS'] as const;

describe('personalize-operator import', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack.close());
  /** `personalize-operator import` against the stack's emulator. */
  const importCli = (...args: string[]) =>
    run(
      process.execPath,
      cliArgs(
        'import',
        '--region',
        'us-east-1',
        '--personalize-endpoint',
        stack.aws.emulator.url,
        '--kubeconfig',
        inject('kubeconfigPath'),
        ...args,
      ),
      { cwd: packageRoot(), maxBuffer: 16 << 20 },
    );

  it('turns 250 existing jobs, with their tags, into manifests the operator adopts with zero Creates', async () => {
    stack = await startStack({ speed: 1000 });
    for (let i = 0; i < 250; i++) {
      const tags: Record<string, string> = i % 10 === 0 ? { team: 'ml', batch: String(i) } : {};
      await createDemoJob(stack.aws.client, `Legacy_Export_${i}`, TYPES[i % 3]!, undefined, tags);
    }
    await stack.aws.admin('reset?what=stats', { method: 'POST' });
    const { stdout, stderr } = await importCli('--namespace', stack.namespace);
    expect(stderr).toMatch(/read 200 jobs\.\.\./);
    expect(stderr).toMatch(/^250 jobs$/m);
    expect(stdout.split(/^---$/m)).toHaveLength(250);
    expect(stdout).toContain(`name: ${resourceName('Legacy_Export_7')}\n`);
    expect(stdout).toContain('jobName: Legacy_Export_7\n');
    const manifests = parseAllDocuments(stdout).map((d) => d.toJSON() as DatasetExportJob);
    const byJob = new Map(manifests.map((m) => [m.spec.jobName, m.spec]));
    expect(byJob.get('Legacy_Export_20')?.tags).toEqual({ team: 'ml', batch: '20' });
    expect(byJob.get('Legacy_Export_7')).not.toHaveProperty('tags');
    expect(manifests.filter((m) => m.spec.tags).length).toBe(25);

    expect(stderr).toContain(
      `kubectl annotate namespace ${stack.namespace} personalize.ops.dev/allow-adoption=true`,
    );
    await kubectl(['annotate', 'namespace', stack.namespace, 'personalize.ops.dev/allow-adoption=true']);
    await kubectl(['apply', '-f', '-'], stdout);
    await stack.startOperator({ concurrency: 16 });
    await kubectl([
      'wait',
      '-n',
      stack.namespace,
      '--for=condition=Complete',
      '--timeout=60s',
      'dsej',
      '--all',
    ]);
    const table = await kubectl(['get', 'dsej', '-n', stack.namespace, '--no-headers']);
    expect(table.trim().split('\n')).toHaveLength(250);
    expect(table).not.toMatch(/CREATE|FAILED/);
    const stats = await stack.aws.stats();
    expect(stats.CreateDatasetExportJob).toBeUndefined();
    expect(
      (await stack.aws.client.send(new ListDatasetExportJobsCommand({ maxResults: 100 }))).nextToken,
    ).toBeDefined();
    const reasons = await kubectl([
      'get',
      'events.events.k8s.io',
      '-n',
      stack.namespace,
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    expect(reasons.split(' ').filter((r) => r === 'Adopted')).toHaveLength(250);
  }, 180_000);

  it('leaves out jobs already managed, unless asked, and can print the Namespace', async () => {
    stack = await startStack();
    await stack.startOperator();
    await stack.create('mine', spec({ tags: { team: 'ml' } }));
    const mine = await stack.waitFor('mine', (o) => o.status?.status === 'ACTIVE');
    await createDemoJob(stack.aws.client, 'outside', 'ITEMS');
    const recordedArn = await createDemoJob(stack.aws.client, 'recorded', 'USERS');
    // A resource (in a namespace no operator watches here) that records a job the operator did not create.
    const other = await createTestNamespace(stack.kc, 'records');
    await createJob(stack.api, other, 'recorded', spec({ jobName: 'recorded' }));
    await stack.api.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        namespace: other,
        plural: PLURAL,
        name: 'recorded',
        body: { status: { datasetExportJobArn: recordedArn } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const target = `imported-${stack.namespace}`;
    const { stdout, stderr } = await importCli('--namespace', target, '--create-namespace');
    const docs = parseAllDocuments(stdout).map((d) => d.toJSON() as DatasetExportJob);
    expect(docs.map((d) => [d.kind, d.metadata?.name])).toEqual([
      ['Namespace', target],
      ['DatasetExportJob', 'outside'],
    ]);
    expect(docs[0]?.metadata?.annotations).toEqual({ 'personalize.ops.dev/allow-adoption': 'true' });
    expect(stderr).toMatch(/^left out 2 jobs already managed \(--include-managed prints them\)$/m);
    await kubectl(['apply', '-f', '-'], stdout);
    expect(await kubectl(['get', 'dsej', 'outside', '-n', target, '-o', 'name'])).toContain('outside');

    const all = await importCli('--include-managed');
    const byJob = new Map(
      parseAllDocuments(all.stdout).map((d) => {
        const m = d.toJSON() as DatasetExportJob;
        return [m.spec.jobName, m.spec];
      }),
    );
    expect([...byJob.keys()].sort()).toEqual([mine.status?.jobName, 'outside', 'recorded'].sort());
    // The operator's owner tags are its bookkeeping, never printed into spec.tags.
    expect(byJob.get(mine.status?.jobName)?.tags).toEqual({ team: 'ml' });
  });

  it('imports existing import jobs with --kind dsij: the operator adopts them without a Create', async () => {
    stack = await startStack();
    await stack.startOperator();
    const csv = join(stack.aws.emulator.s3Root, 'data', 'users.csv');
    mkdirSync(dirname(csv), { recursive: true });
    writeFileSync(csv, 'USER_ID,MEMBERSHIP\nu1,bronze\n');
    const loaded = await stack.aws.client.send(
      new CreateDatasetImportJobCommand({
        jobName: 'Loaded_By_Hand',
        datasetArn: demoDataset('USERS'),
        dataSource: { dataLocation: 's3://data/users.csv' },
        roleArn: ROLE,
        tags: [{ tagKey: 'team', tagValue: 'ml' }],
      }),
    );
    const { stdout } = await importCli('--kind', 'dsij', '--namespace', stack.namespace);
    const [manifest, ...others] = parseAllDocuments(stdout).map((d) => d.toJSON() as DatasetImportJob);
    expect(others).toEqual([]);
    expect(manifest).toMatchObject({
      kind: 'DatasetImportJob',
      metadata: { name: 'loaded-by-hand', namespace: stack.namespace },
      spec: {
        jobName: 'Loaded_By_Hand',
        datasetArn: demoDataset('USERS'),
        dataSource: { dataLocation: 's3://data/users.csv' },
        roleArn: ROLE,
        importMode: 'FULL',
        tags: { team: 'ml' },
      },
    });
    await kubectl(['annotate', 'namespace', stack.namespace, 'personalize.ops.dev/allow-adoption=true']);
    await kubectl(['apply', '-f', '-'], stdout);
    await kubectl([
      'wait',
      '-n',
      stack.namespace,
      '--for=condition=Complete',
      '--timeout=30s',
      'dsij/loaded-by-hand',
    ]);
    const adopted = await resources<DatasetImportJob>(stack.api, stack.namespace, IMPORT_PLURAL).get(
      'loaded-by-hand',
    );
    expect(adopted.status?.datasetImportJobArn).toBe(loaded.datasetImportJobArn);
    expect((await stack.aws.stats()).CreateDatasetImportJob?.calls).toBe(1);
    // Now managed: a second import leaves it out.
    const again = await importCli('--kind', 'DatasetImportJob');
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^left out 1 jobs already managed/m);
    await expect(importCli('--kind', 'Schedule')).rejects.toThrow(
      /--kind: Schedule is not one of DatasetExportJob, DatasetImportJob/,
    );
  });

  it('prints nothing for a dataset without jobs', async () => {
    stack = await startStack();
    const missing = 'arn:aws:personalize:us-east-1:123456789012:dataset/none/ITEMS';
    const { stdout, stderr } = await importCli('--dataset-arn', missing);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^0 jobs$/m);
  });
});
