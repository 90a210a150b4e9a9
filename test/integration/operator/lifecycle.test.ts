import { ListDatasetExportJobsCommand } from '@aws-sdk/client-personalize';
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { createDemoJob } from '../../support/emulator.js';
import { kubectl } from '../../support/kube.js';
import { condition, createJob, installCrd, type Stack, spec, startStack } from '../../support/operator.js';

describe('operator lifecycle against the real API server and the emulator', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack.close());

  it('creates the job once and mirrors it to ACTIVE with conditions, events and kubectl wait', async () => {
    stack = await startStack();
    await stack.startOperator();
    const created = await stack.create('happy', spec({ ingestionMode: 'ALL', tags: { team: 'ml' } }));
    const wait = kubectl([
      'wait',
      '-n',
      stack.namespace,
      '--for=condition=Complete',
      '--timeout=30s',
      'dsej/happy',
    ]);
    const done = await stack.waitFor('happy', (o) => o.status?.status === 'ACTIVE');
    await wait;
    const jobName = done.status?.jobName ?? '';
    expect(jobName).toMatch(new RegExp(`^${stack.namespace}-happy-[0-9a-f]{10}$`));
    expect(done.status).toMatchObject({
      datasetExportJobArn: `arn:aws:personalize:us-east-1:123456789012:dataset-export-job/${jobName}`,
      region: 'us-east-1',
      observedGeneration: 1,
    });
    expect(condition(done, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(condition(done, 'Complete')?.status).toBe('True');
    expect(condition(done, 'Failed')?.status).toBe('False');
    expect(condition(done, 'Synced')?.status).toBe('True');
    expect(condition(done, 'Reconciling')?.status).toBe('False');
    expect(condition(done, 'Stalled')?.status).toBe('False');
    expect(done.metadata?.generation).toBe(created.metadata?.generation);
    expect((await stack.aws.stats()).CreateDatasetExportJob).toEqual({ calls: 1, outcomes: { OK: 1 } });

    const table = await kubectl(['get', 'dsej', '-n', stack.namespace, '-o', 'wide']);
    expect(table).toMatch(
      /^NAME\s+STATUS\s+SYNC\s+JOB NAME\s+AGE\s+UPDATED\s+DATASET\s+ARN\s+FAILURE REASON$/m,
    );
    expect(table).toMatch(new RegExp(`^happy\\s+ACTIVE\\s+Synced\\s+${jobName}\\s`, 'm'));

    // Events follow the status write that the watch has already shown. A fast emulator may pass a state
    // between two polls, so only the last transition is certain.
    await expect
      .poll(async () =>
        (await stack.events('happy')).filter((e) => e.reason === 'StatusChanged').map((e) => e.note),
      )
      .toContainEqual(expect.stringMatching(/→ ACTIVE$/));
    const events = await stack.events('happy');
    expect(events.map((e) => e.reason)).toContain('Created');
    expect(events.every((e) => e.reportingController === 'personalize.ops.dev/operator')).toBe(true);
  });

  it('re-reads a finished job from AWS when the reconcile-requested-at annotation changes, and only then', async () => {
    stack = await startStack();
    await stack.startOperator();
    await stack.create('refresh', spec());
    const finished = await stack.waitFor('refresh', (o) => o.status?.status === 'ACTIVE');
    await stack.sentinel(); // every reconcile that ACTIVE brought has finished
    await stack.aws.admin('reset?what=stats', { method: 'POST' });
    const reads = async () => {
      const stats = await stack.aws.stats();
      return (stats.ListDatasetExportJobs?.calls ?? 0) + (stats.DescribeDatasetExportJob?.calls ?? 0);
    };
    const dsej = ['-n', stack.namespace, 'dsej/refresh'];

    // Other metadata changes do not wake a finished resource: once the operator has handled a change made
    // after the label (the sentinel), the resource has not been reconciled again and AWS was not read.
    const reconciled = stack.reconciles('refresh').length;
    await kubectl(['label', ...dsej, 'team=ml']);
    await stack.sentinel();
    // On failure, the message names the extra reconciles (their IDs are in the operator's log lines).
    expect(stack.reconciles('refresh').slice(reconciled)).toEqual([]);
    expect(await reads()).toBe(0);

    await kubectl(['annotate', ...dsej, 'personalize.ops.dev/reconcile-requested-at=first']);
    const refreshed = await stack.waitFor('refresh', (o) => o.status?.lastHandledReconcileAt === 'first');
    expect(await reads()).toBeGreaterThan(0);
    expect(refreshed.status).toEqual({ ...finished.status, lastHandledReconcileAt: 'first' });

    await kubectl(['annotate', '--overwrite', ...dsej, 'personalize.ops.dev/reconcile-requested-at=second']);
    await stack.waitFor('refresh', (o) => o.status?.lastHandledReconcileAt === 'second');
    expect((await stack.aws.stats()).CreateDatasetExportJob).toBeUndefined();
  });

  it('makes no AWS call for a paused resource, before Create or while polling, and resumes when unpaused', async () => {
    // Speed 2: the job is in progress for 4 s, long enough to pause it mid-way.
    stack = await startStack({ speed: 2 });
    await stack.startOperator();
    const synced = (reason: string) => (o: DatasetExportJob) => condition(o, 'Synced')?.reason === reason;
    const dsej = (name: string) => ['-n', stack.namespace, `dsej/${name}`];
    const calls = async () =>
      Object.values(await stack.aws.stats()).reduce((sum, op) => sum + (op?.calls ?? 0), 0);

    await createJob(stack.api, stack.namespace, 'staged', spec(), {
      annotations: { 'personalize.ops.dev/paused': 'true' },
    });
    await createJob(stack.api, stack.namespace, 'typo', spec(), {
      annotations: { 'personalize.ops.dev/paused': 'yes' },
    });
    const staged = await stack.waitFor('staged', synced('Paused'));
    expect(condition(staged, 'Synced')?.status).toBe('False');
    const typo = await stack.waitFor('typo', synced('InvalidAnnotation'));
    expect(condition(typo, 'Synced')?.message).toMatch(
      /^metadata\.annotations\[personalize\.ops\.dev\/paused\] must be "true" or "false", not "yes"/,
    );
    expect(await calls()).toBe(0);

    await kubectl(['annotate', ...dsej('staged'), 'personalize.ops.dev/paused-']);
    const running = await stack.waitFor('staged', (o) => o.status?.status === 'CREATE IN_PROGRESS');
    await kubectl(['annotate', ...dsej('staged'), 'personalize.ops.dev/paused=true']);
    await stack.waitFor('staged', synced('Paused'));
    await stack.aws.admin('reset?what=stats', { method: 'POST' });
    // Past the job's end in AWS: a running operator would have seen ACTIVE by now.
    const endsAt = Date.parse(running.status?.creationDateTime ?? '') + 5_000;
    await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now()) + 500));
    expect(await calls()).toBe(0);
    expect((await stack.get('staged')).status?.status).toBe('CREATE IN_PROGRESS');

    await kubectl(['annotate', '--overwrite', ...dsej('staged'), 'personalize.ops.dev/paused=false']);
    const done = await stack.waitFor('staged', (o) => o.status?.status === 'ACTIVE');
    expect(condition(done, 'Synced')?.status).toBe('True');
    await expect
      .poll(async () =>
        (await stack.events('staged')).map((e) => e.reason).filter((r) => r === 'Paused' || r === 'Resumed'),
      )
      .toEqual(['Paused', 'Resumed', 'Paused', 'Resumed']);
    expect((await stack.aws.stats()).CreateDatasetExportJob).toBeUndefined();
    expect((await stack.get('typo')).status?.status).toBeUndefined();

    // Out of a pause through a refused value: Resumed all the same once the annotation goes.
    await kubectl(['annotate', '--overwrite', ...dsej('typo'), 'personalize.ops.dev/paused=true']);
    await stack.waitFor('typo', synced('Paused'));
    await kubectl(['annotate', '--overwrite', ...dsej('typo'), 'personalize.ops.dev/paused=maybe']);
    await stack.waitFor('typo', synced('InvalidAnnotation'));
    await kubectl(['annotate', ...dsej('typo'), 'personalize.ops.dev/paused-']);
    await stack.waitFor('typo', (o) => o.status?.status === 'ACTIVE');
    const halts = new Set(['Paused', 'Resumed', 'InvalidAnnotation']);
    await expect
      .poll(async () => (await stack.events('typo')).map((e) => e.reason).filter((r) => halts.has(r ?? '')))
      .toEqual(['InvalidAnnotation', 'Paused', 'InvalidAnnotation', 'Resumed']);
  });

  it('serves probes and metrics whose numbers move', async () => {
    // Speed 10: each state lasts longer than the fast poll, so even a loaded machine sees every one.
    stack = await startStack({ speed: 10 });
    const addr = { host: '127.0.0.1', port: 0 };
    const operator = await stack.startOperator({ metricsAddr: addr, healthAddr: addr });
    expect((await fetch(`${operator.healthUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${operator.healthUrl}/healthz`)).status).toBe(200);
    await stack.create('measured', spec());
    await stack.waitFor('measured', (o) => o.status?.status === 'ACTIVE');
    const scrape = async () => (await fetch(`${operator.metricsUrl}/metrics`)).text();
    const read = (text: string, series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    // The watch can show ACTIVE before the reconcile that wrote it returns and is counted.
    const finalReconcile =
      'controller_runtime_reconcile_total{controller="datasetexportjob",result="success"}';
    await expect.poll(async () => read(await scrape(), finalReconcile)).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    const value = (series: string) => read(text, series);
    expect(
      value('personalize_operator_aws_requests_total{operation="CreateDatasetExportJob",outcome="OK"}'),
    ).toBe(1);
    expect(
      value('personalize_operator_aws_requests_total{operation="ListDatasetExportJobs",outcome="OK"}'),
    ).toBeGreaterThanOrEqual(3);
    // The ARN, then one per status seen: a fast emulator may pass CREATE PENDING between two polls.
    expect(value('personalize_operator_status_writes_total')).toBeGreaterThanOrEqual(3);
    expect(value('personalize_operator_status_writes_total')).toBeLessThanOrEqual(4);
    expect(value('personalize_operator_jobs{status="ACTIVE",kind="DatasetExportJob"}')).toBe(1);
    expect(
      value('personalize_operator_resources{sync="Synced",stalled="false",kind="DatasetExportJob"}'),
    ).toBe(1);
    expect(value(finalReconcile)).toBeGreaterThanOrEqual(1);
    expect(
      value('controller_runtime_reconcile_total{controller="datasetexportjob",result="requeue_after"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(value('personalize_operator_job_duration_seconds_count{status="ACTIVE"}')).toBe(1);
    expect(value('workqueue_queue_duration_seconds_count{name="datasetexportjob"}')).toBeGreaterThanOrEqual(
      3,
    );
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('reconciles only resources matching --selector, so deployments can shard a fleet', async () => {
    stack = await startStack();
    await stack.startOperator({ labelSelector: 'shard=a' });
    await createJob(stack.api, stack.namespace, 'mine', spec(), { labels: { shard: 'a' } });
    await stack.create('theirs', spec());
    await stack.waitFor('mine', (o) => o.status?.status === 'ACTIVE');
    // A sentinel of this shard, created after 'theirs', is handled: 'theirs' was never reconciled.
    await stack.sentinel({ shard: 'a' });
    expect(stack.reconciles('theirs')).toEqual([]);
    expect((await stack.get('theirs')).status).toBeUndefined();
    expect((await stack.aws.stats()).CreateDatasetExportJob?.calls).toBe(1);
  });

  it('reports CREATE FAILED with the reason: Failed=True, Ready=False', async () => {
    stack = await startStack();
    await stack.aws.setFaults({ unwritableBuckets: ['locked'] });
    const operator = await stack.startOperator({ metricsAddr: { host: '127.0.0.1', port: 0 } });
    await stack.create('sad', spec({ jobOutput: { s3DataDestination: { path: 's3://locked/out/' } } }));
    const failed = await stack.waitFor('sad', (o) => o.status?.status === 'CREATE FAILED');
    expect(failed.status?.failureReason).toMatch(/^Insufficient privileges for accessing data in S3/);
    expect(condition(failed, 'Failed')).toMatchObject({
      status: 'True',
      reason: 'CreateFailed',
      message: failed.status?.failureReason,
    });
    expect(condition(failed, 'Ready')?.status).toBe('False');
    expect(condition(failed, 'Stalled')).toMatchObject({ status: 'True', reason: 'CreateFailed' });
    expect(condition(failed, 'Complete')?.status).toBe('False');
    await kubectl(['wait', '-n', stack.namespace, '--for=condition=Failed', '--timeout=10s', 'dsej/sad']);
    // What an alert on stuck resources reads.
    const metrics = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^personalize_operator_resources\{sync="Synced",stalled="true",kind="DatasetExportJob"\} 1$/m,
    );
  });

  it('adopts a job that exists as the spec describes it, and refuses one created otherwise, without Create', async () => {
    stack = await startStack();
    await createDemoJob(stack.aws.client, 'pre-existing', 'ITEMS', 's3://exports/direct/');
    await createDemoJob(stack.aws.client, 'elsewhere', 'ITEMS', 's3://exports/elsewhere/');
    await stack.aws.admin('reset?what=stats', { method: 'POST' });
    await stack.startOperator();
    const output = { s3DataDestination: { path: 's3://exports/direct/' } };
    await stack.create('adopter', spec({ jobName: 'pre-existing', jobOutput: output }));
    // Not created by the operator: adoption waits for an administrator's opt-in, and nothing is shown meanwhile.
    const waiting = await stack.waitFor(
      'adopter',
      (o) => condition(o, 'Synced')?.reason === 'AdoptionNotAllowed',
    );
    expect(waiting.status?.status).toBeUndefined();
    await kubectl(['annotate', 'namespace', stack.namespace, 'personalize.ops.dev/allow-adoption=true']);
    await stack.create('mismatched', spec({ jobName: 'elsewhere', jobOutput: output }));
    const adopted = await stack.waitFor('adopter', (o) => o.status?.status === 'ACTIVE', 45_000);
    expect(adopted.status?.datasetExportJobArn).toMatch(/dataset-export-job\/pre-existing$/);
    const refused = await stack.waitFor(
      'mismatched',
      (o) => condition(o, 'Synced')?.reason === 'SpecMismatch',
      45_000,
    );
    expect(condition(refused, 'Synced')?.status).toBe('False');
    expect(condition(refused, 'Synced')?.message).toContain(
      'jobOutput.s3DataDestination.path is s3://exports/elsewhere/, the spec says s3://exports/direct/',
    );
    expect(refused.status?.datasetExportJobArn).toBeUndefined();
    expect((await stack.aws.stats()).CreateDatasetExportJob).toBeUndefined();
    const events = await stack.kc
      .makeApiClient(EventsV1Api)
      .listNamespacedEvent({ namespace: stack.namespace });
    expect(events.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['Adopted', 'SpecMismatch']));
  });

  it('gives a job to one resource when two name it, and to the other once the first is deleted', async () => {
    stack = await startStack();
    await stack.startOperator();
    await Promise.all([
      stack.create('twin-a', spec({ jobName: 'twin' })),
      stack.create('twin-b', spec({ jobName: 'twin' })),
    ]);
    const managed = (o: DatasetExportJob) => o.status?.datasetExportJobArn !== undefined;
    const refused = (o: DatasetExportJob) => condition(o, 'Synced')?.reason === 'AlreadyManaged';
    const [a, b] = await Promise.all(
      ['twin-a', 'twin-b'].map((name) => stack.waitFor(name, (o) => managed(o) || refused(o))),
    );
    const [owner, other] = managed(a!) ? [a!, b!] : [b!, a!];
    expect(refused(other)).toBe(true);
    expect(condition(other, 'Synced')?.message).toContain(
      `already managed by DatasetExportJob ${stack.namespace}/${owner.metadata?.name}`,
    );
    // Both may race to Create; AWS takes one, and the loser learns who owns the job.
    const creates = (await stack.aws.stats()).CreateDatasetExportJob?.outcomes ?? {};
    expect(creates.OK).toBe(1);
    expect(Object.keys(creates).filter((o) => o !== 'OK' && o !== 'ResourceAlreadyExistsException')).toEqual(
      [],
    );

    await stack.api.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: stack.namespace,
      plural: PLURAL,
      name: owner.metadata?.name ?? '',
    });
    const adopted = await stack.waitFor(other.metadata?.name ?? '', (o) => o.status?.status === 'ACTIVE');
    expect(adopted.status?.datasetExportJobArn).toMatch(/dataset-export-job\/twin$/);
    expect((await stack.aws.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(1);
  });

  it('stops with NameConflict when the name belongs to another dataset, without retrying', async () => {
    stack = await startStack();
    await createDemoJob(stack.aws.client, 'taken', 'USERS');
    await stack.startOperator();
    await stack.create('clash', spec({ jobName: 'taken' }));
    const clash = await stack.waitFor('clash', (o) => condition(o, 'Synced')?.reason === 'NameConflict');
    expect(condition(clash, 'Synced')?.message).toMatch(
      /already used by an export of .*dataset\/demo\/USERS.*create a new DatasetExportJob/,
    );
    // The reconcile that wrote NameConflict decided on no next turn: nothing will retry it.
    await expect.poll(() => stack.reconciles('clash').at(-1)?.result).toBe('none');
    const reconciled = stack.reconciles('clash').length;
    const before = (await stack.aws.stats()).DescribeDatasetExportJob?.calls ?? 0;
    await stack.sentinel();
    expect(stack.reconciles('clash')).toHaveLength(reconciled);
    expect((await stack.aws.stats()).DescribeDatasetExportJob?.calls ?? 0).toBe(before);
    // One Create by the test; the operator's own attempt was refused as already existing, once.
    expect((await stack.aws.stats()).CreateDatasetExportJob?.outcomes).toEqual({
      OK: 1,
      ResourceAlreadyExistsException: 1,
    });
  });

  it('lets go of a resource deleted while its job is in progress; the AWS job stays', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 300, exportInProgressMs: 60_000 } });
    await stack.startOperator();
    await stack.create('gone', spec());
    await stack.waitFor('gone', (o) => o.status?.status === 'CREATE IN_PROGRESS');
    await kubectl(['delete', 'dsej', 'gone', '-n', stack.namespace, '--wait=true', '--timeout=10s']);
    const jobs = await stack.aws.client.send(new ListDatasetExportJobsCommand({}));
    expect(jobs.datasetExportJobs?.map((j) => j.status)).toEqual(['CREATE IN_PROGRESS']);
    const ns = await stack.kc.makeApiClient(CoreV1Api).readNamespace({ name: stack.namespace });
    expect(ns.metadata?.name).toBe(stack.namespace);
  });
});
