import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  ListDatasetExportJobsCommand,
} from '@aws-sdk/client-personalize';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkClient } from '../../support/emulator.js';
import { createTestNamespace, kubectl } from '../../support/kube.js';
import { condition, createJob, installCrd, type Stack, spec, startStack } from '../../support/operator.js';

describe('AWS identity, region and rate per namespace', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack.close());

  it('assumes the role a namespace names, once, and signs that namespace’s calls with it', async () => {
    stack = await startStack();
    const role = 'arn:aws:iam::123456789012:role/team-a';
    await stack.kc.makeApiClient(CoreV1Api).replaceNamespace({
      name: stack.namespace,
      body: { metadata: { name: stack.namespace, annotations: { 'personalize.ops.dev/role-arn': role } } },
    });
    const other = await createTestNamespace(stack.kc, 'plain');
    await stack.startOperator({ namespaces: [stack.namespace, other], stsEndpoint: stack.aws.emulator.url });
    for (const name of ['r1', 'r2', 'r3']) await stack.create(name, spec());
    await createJob(stack.api, other, 'default-identity', spec());
    for (const name of ['r1', 'r2', 'r3']) await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE');
    await kubectl([
      'wait',
      '-n',
      other,
      '--for=condition=Complete',
      '--timeout=20s',
      'dsej/default-identity',
    ]);
    const stats = (await (await stack.aws.admin('stats')).json()) as {
      operations: Record<string, { calls: number }>;
      callers: Record<string, { calls: number; role?: string }>;
    };
    expect(stats.operations['STS.AssumeRole']?.calls).toBe(1);
    const assumed = Object.entries(stats.callers).filter(([, c]) => c.role === role);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]?.[0]).toMatch(/^ASIA/);
    // The namespace without an annotation keeps the operator's own credentials.
    expect(stats.callers.AKIDEXAMPLE?.calls).toBeGreaterThan(0);
  });

  it('reports a malformed role annotation on the resource, naming the annotation', async () => {
    stack = await startStack();
    await stack.kc.makeApiClient(CoreV1Api).replaceNamespace({
      name: stack.namespace,
      body: {
        metadata: { name: stack.namespace, annotations: { 'personalize.ops.dev/role-arn': 'team-a' } },
      },
    });
    await stack.startOperator();
    await stack.create('bad-role', spec());
    const bad = await stack.waitFor('bad-role', (o) => condition(o, 'Synced')?.reason === 'InvalidSpec');
    expect(condition(bad, 'Synced')?.message).toBe(
      'the namespace annotation personalize.ops.dev/role-arn is not an IAM role ARN: team-a',
    );
    expect(await stack.aws.stats()).not.toHaveProperty('CreateDatasetExportJob');
  });

  it("creates the job in its dataset's region", async () => {
    stack = await startStack();
    const west = sdkClient(stack.aws.emulator.url, { region: 'eu-west-1' });
    try {
      const { datasetGroupArn } = await west.send(new CreateDatasetGroupCommand({ name: 'eu' }));
      const { schemaArn } = await west.send(
        new CreateSchemaCommand({
          name: 'eu-users',
          schema: JSON.stringify({
            type: 'record',
            name: 'U',
            fields: [{ name: 'USER_ID', type: 'string' }],
          }),
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
      const { datasetArn } = await west.send(
        new CreateDatasetCommand({ name: 'eu-users', schemaArn, datasetGroupArn, datasetType: 'Users' }),
      );
      for (let i = 0; i < 100; i++) {
        if ((await west.send(new DescribeDatasetCommand({ datasetArn }))).dataset?.status === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await stack.startOperator({ region: 'us-east-1' });
      await stack.create('in-eu', spec({ datasetArn }));
      const done = await stack.waitFor('in-eu', (o) => o.status?.status === 'ACTIVE');
      expect(done.status?.region).toBe('eu-west-1');
      expect(done.status?.datasetExportJobArn).toMatch(
        /^arn:aws:personalize:eu-west-1:123456789012:dataset-export-job\//,
      );
      expect((await west.send(new ListDatasetExportJobsCommand({}))).datasetExportJobs).toHaveLength(1);
    } finally {
      west.destroy();
    }
  });

  it('keeps under the request rate with its shared token bucket, so AWS never throttles', async () => {
    stack = await startStack();
    await stack.aws.setFaults({ rateLimits: { '*': { perSecond: 12, burst: 12 } } });
    await stack.startOperator({ awsRateLimit: { perSecond: 8, burst: 8 }, concurrency: 8 });
    const names = Array.from({ length: 12 }, (_, i) => `paced-${i}`);
    await Promise.all(names.map((n) => stack.create(n, spec())));
    for (const name of names) await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE', 30_000);
    const stats = await stack.aws.stats();
    const throttled = Object.values(stats).reduce((n, s) => n + (s.outcomes.LimitExceededException ?? 0), 0);
    expect(throttled).toBe(0);
    expect(stats.CreateDatasetExportJob?.calls).toBe(names.length);
  });
});
