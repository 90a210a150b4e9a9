import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../src/aws/errors.js';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import type { DatasetExportJob, DatasetExportJobStatus } from '../../src/kinds/dataset-export-job/types.js';
import type { JobApi } from '../../src/personalize-job/job-api.js';
import type {
  CreateResult,
  Failed,
  Identity,
  Observation,
  ObservedJob,
  TagPlan,
  Tags,
} from '../../src/personalize-job/observation.js';
import { JobReconciler, type ReconcilerSettings } from '../../src/personalize-job/reconciler.js';
import type { EventSpec } from '../../src/runtime/reconcile.js';

const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
const ROLE = 'arn:aws:iam::123456789012:role/PersonalizeExportRole';
const log = pino({ level: 'silent' });

/** Amazon Personalize in memory, behind the gateway interface: what the reconciler asked, and what it got. */
class FakePersonalize implements JobApi<CreateDatasetExportJobCommandInput> {
  readonly jobs = new Map<string, ObservedJob & { tags: Tags }>();
  readonly calls: string[] = [];
  failures: Partial<Record<string, Failed>> = {};
  /** Create is carried out but answered AlreadyExists (a retry after a lost answer). */
  answerCreateWithExists = false;

  private fail(operation: string): Failed | undefined {
    this.calls.push(operation);
    return this.failures[operation];
  }

  async describe(identity: Identity): Promise<Observation> {
    const failed = this.fail('describe');
    if (failed) return failed;
    const job = this.jobs.get(identity.arn);
    return job ? { kind: 'found', job: withoutTags(job) } : { kind: 'missing' };
  }

  async create(identity: Identity, input: CreateDatasetExportJobCommandInput): Promise<CreateResult> {
    const failed = this.fail('create');
    if (failed) return failed;
    if (this.jobs.has(identity.arn)) return { kind: 'exists' };
    this.jobs.set(identity.arn, {
      arn: identity.arn,
      jobName: identity.jobName,
      parentArn: input.datasetArn,
      status: 'CREATE PENDING',
      creationDateTime: new Date(),
      lastUpdatedDateTime: new Date(),
      created: {
        ingestionMode: input.ingestionMode,
        roleArn: input.roleArn,
        'jobOutput.s3DataDestination.path': input.jobOutput?.s3DataDestination?.path,
      },
      tags: Object.fromEntries((input.tags ?? []).map((t) => [t.tagKey ?? '', t.tagValue ?? ''])),
    });
    if (this.answerCreateWithExists) return { kind: 'exists' };
    const { created: _created, tags: _tags, ...job } = this.jobs.get(identity.arn)!;
    return { kind: 'created', job: { ...job, creationDateTime: undefined, lastUpdatedDateTime: undefined } };
  }

  async fromList(identity: Identity, datasetArn: string): Promise<Observation> {
    const failed = this.fail('list');
    if (failed) return failed;
    const job = this.jobs.get(identity.arn);
    if (!job || job.parentArn !== datasetArn) return { kind: 'missing' };
    // A list summary says nothing of what the job was created with, nor of its dataset.
    const { created: _created, parentArn: _dataset, ...summary } = withoutTags(job);
    return { kind: 'found', job: { ...summary, parentArn: datasetArn } };
  }

  /** What the dataset pollers watch: resource key → (job ARN, longest gap between listings). */
  readonly watched = new Map<string, { arn: string; everyMs: number; status: string }>();
  watch(identity: Identity, _datasetArn: string, key: string, everyMs: number, current: ObservedJob): void {
    this.watched.set(key, { arn: identity.arn, everyMs, status: current.status });
  }

  forget(key: string): void {
    this.watched.delete(key);
  }

  async tags(identity: Identity): Promise<{ kind: 'tags'; tags: Tags } | Failed> {
    const failed = this.fail('tags');
    if (failed) return failed;
    return { kind: 'tags', tags: { ...(this.jobs.get(identity.arn)?.tags ?? {}) } };
  }

  readonly plans: TagPlan[] = [];
  async retag(identity: Identity, plan: TagPlan): Promise<{ kind: 'retagged' } | Failed> {
    const failed = this.fail('retag');
    if (failed) return failed;
    this.plans.push(plan);
    const job = this.jobs.get(identity.arn)!;
    job.tags = { ...job.tags, ...plan.set };
    for (const key of plan.remove) delete job.tags[key];
    return { kind: 'retagged' };
  }
}

const withoutTags = ({ tags: _tags, ...job }: ObservedJob & { tags: Tags }): ObservedJob => ({ ...job });

/** A failed call on the job (its tags), classified as the gateway classifies it. */
const awsError = (name: string): Failed => ({
  kind: 'failed',
  error: classifyAwsError(
    Object.assign(new Error(`${name} happened`), { name, $metadata: { requestId: 'r-1' } }),
    'job',
  ),
});

/** The reconciler over the fake, with the status and events it writes kept, as the API server would. */
function harness(aws: FakePersonalize, settings: Partial<ReconcilerSettings> = {}) {
  const writes: DatasetExportJobStatus[] = [];
  const events: EventSpec[] = [];
  let crash = false;
  const reconciler = new JobReconciler<
    DatasetExportJob['spec'],
    CreateDatasetExportJobCommandInput,
    DatasetExportJob
  >(
    exportJob,
    aws,
    {
      writeStatus: async (_obj, written) => {
        const status = written as DatasetExportJobStatus;
        if (crash && status.datasetExportJobArn) throw new Error('the process died before the status write');
        writes.push(status);
      },
      recordEvent: async (_obj, event) => {
        events.push(event);
      },
    },
    { statusSource: 'list', pollMinMs: 1_000, pollMaxMs: 10_000, actionableRetryMs: 60_000, ...settings },
  );
  return {
    reconciler,
    writes,
    events,
    /** The process dies before it writes any status that records a job (its record of a Create is kept). */
    crashOnWrite: () => {
      crash = true;
    },
    /** The resource as the API server holds it after the writes so far. */
    stored: (obj: DatasetExportJob): DatasetExportJob => ({ ...obj, status: writes.at(-1) ?? obj.status }),
  };
}

function resource(
  spec: Partial<DatasetExportJob['spec']> = {},
  metadata: Partial<DatasetExportJob['metadata']> = {},
): DatasetExportJob {
  return {
    apiVersion: 'personalize.ops.dev/v1alpha1',
    kind: 'DatasetExportJob',
    metadata: { name: 'export', namespace: 'ml', uid: 'uid-1', generation: 1, ...metadata },
    spec: {
      datasetArn: DATASET,
      roleArn: ROLE,
      jobOutput: { s3DataDestination: { path: 's3://b/' } },
      ...spec,
    },
  };
}

const synced = (status: DatasetExportJobStatus | undefined) =>
  status?.conditions?.find((c) => c.type === 'Synced');
const OWNER = {
  'personalize.ops.dev/owner-namespace': 'ml',
  'personalize.ops.dev/owner-name': 'export',
  'personalize.ops.dev/owner-uid': 'uid-1',
};

describe('the reconcile shell, over a fake of the gateway interface', () => {
  it('creates once; a Create answered AlreadyExists is known as its own by the record written before it, told once', async () => {
    const aws = new FakePersonalize();
    aws.answerCreateWithExists = true;
    const h = harness(aws, { statusSource: 'describe' });
    const result = await h.reconciler.reconcile(resource({ jobName: 'chosen' }), log);
    expect(aws.calls).toEqual(['describe', 'create', 'describe', 'tags']);
    expect(h.writes[0]).toMatchObject({ createRequested: { jobName: 'chosen' } });
    expect(h.writes.at(-1)?.status).toBe('CREATE PENDING');
    // Whoever AWS answered OK told `Created` (another replica); this one tells the status it found.
    expect(h.events.map((e) => e.reason)).toEqual(['StatusChanged']);
    expect(aws.plans).toEqual([]);
    expect(result).toEqual({ kind: 'after', ms: 1_000 });
  });

  it('writes a new job once after Create, CREATE PENDING with its ARN, and hands it to its dataset poller', async () => {
    const aws = new FakePersonalize();
    const h = harness(aws);
    const obj = resource();
    const result = await h.reconciler.reconcile(obj, log);
    expect(aws.calls).toEqual(['list', 'create']);
    // The record of the Create about to be made, then the job: CREATE PENDING with its ARN in one write.
    expect(h.writes).toHaveLength(2);
    expect(h.writes[0]).toMatchObject({ createRequested: { jobName: expect.any(String) } });
    expect(h.writes[0]).not.toHaveProperty('datasetExportJobArn');
    const arn = h.writes[1]!.datasetExportJobArn!;
    expect(h.writes[1]).toMatchObject({ status: 'CREATE PENDING', jobName: expect.any(String) });
    expect(synced(h.writes[1])).toMatchObject({ status: 'True' });
    expect(h.events.map((e) => e.reason)).toEqual(['Created']);
    // The poller reads it from now on (as fast as a new job needs); the requeue is only a safety net.
    expect(aws.watched.get('ml/export')).toEqual({ arn, everyMs: 1_000, status: 'CREATE PENDING' });
    expect(result).toEqual({ kind: 'after', ms: 10_000 });

    // Woken when the poller saw it move: one more write, and off the poller once it is final.
    aws.jobs.get(arn)!.status = 'ACTIVE';
    aws.calls.length = 0;
    expect(await h.reconciler.reconcile(h.stored(obj), log)).toEqual({ kind: 'none' });
    expect(aws.calls).toEqual(['list']);
    expect(h.writes).toHaveLength(3);
    expect(aws.watched.has('ml/export')).toBe(false);
  });

  it('takes a job off its poller when the resource is deleted', async () => {
    const aws = new FakePersonalize();
    const h = harness(aws);
    const obj = resource();
    await h.reconciler.reconcile(obj, log);
    expect(aws.watched.size).toBe(1);
    h.reconciler.forget(h.stored(obj));
    expect(aws.watched.size).toBe(0);
  });

  it('adopts in list mode: the summary is described once, the owner recorded, the other tags left alone', async () => {
    const aws = new FakePersonalize();
    const arn = 'arn:aws:personalize:us-east-1:123456789012:dataset-export-job/legacy';
    aws.jobs.set(arn, {
      arn,
      jobName: 'legacy',
      parentArn: DATASET,
      status: 'ACTIVE',
      created: { ingestionMode: 'PUT', roleArn: ROLE, 'jobOutput.s3DataDestination.path': 's3://b/' },
      tags: { team: 'ml' },
    });
    const h = harness(aws, { allowAdoption: true });
    await h.reconciler.reconcile(resource({ jobName: 'legacy' }), log);
    expect(aws.calls).toEqual(['list', 'describe', 'tags', 'retag']);
    expect(h.events.map((e) => e.reason)).toEqual(['Adopted', 'StatusChanged']);
    expect(aws.plans).toEqual([{ set: OWNER, remove: [] }]);
    expect(aws.jobs.get(arn)?.tags).toEqual({ team: 'ml', ...OWNER });
    expect(h.writes.at(-1)).toMatchObject({ datasetExportJobArn: arn, status: 'ACTIVE' });
  });

  it('keeps mirroring a running job when a tag call fails mid-flight, and says so in Synced', async () => {
    const aws = new FakePersonalize();
    const h = harness(aws);
    const first = resource({ tags: { team: 'ml' } });
    await h.reconciler.reconcile(first, log);
    const job = [...aws.jobs.values()][0]!;
    job.status = 'CREATE IN_PROGRESS';
    aws.failures.retag = awsError('ResourceInUseException');
    const edited = {
      ...h.stored(first),
      spec: { ...first.spec, tags: { team: 'search' } },
      metadata: { ...first.metadata, generation: 2 },
    };
    const result = await h.reconciler.reconcile(edited, log);
    expect(h.writes.at(-1)?.status).toBe('CREATE IN_PROGRESS');
    expect(synced(h.writes.at(-1))).toMatchObject({ status: 'False', reason: 'JobBusy' });
    expect(h.writes.at(-1)?.tags).toEqual({ team: 'ml' });
    expect(h.events.map((e) => e.reason)).toContain('JobBusy');
    // The running job keeps its poll; the tags are tried again with it.
    expect(result.kind).toBe('after');
  });

  it('says Resumed when a staged resource is unpaused, though the record of its Create was written first', async () => {
    const aws = new FakePersonalize();
    const h = harness(aws);
    const staged = resource({}, { annotations: { 'personalize.ops.dev/paused': 'true' } });
    await h.reconciler.reconcile(staged, log);
    await h.reconciler.reconcile(
      { ...h.stored(staged), metadata: { ...staged.metadata, annotations: {} } },
      log,
    );
    expect(h.events.map((e) => e.reason)).toEqual(['Paused', 'Resumed', 'Created']);
    expect(h.writes.map((w) => synced(w)?.reason)).toEqual(['Paused', 'Creating', 'Synced']);
  });

  it('says Resumed when a pause is lifted, even when the identity then turns out invalid', async () => {
    const aws = new FakePersonalize();
    const h = harness(aws);
    const staged = resource(
      { region: 'eu-west-1' },
      { annotations: { 'personalize.ops.dev/paused': 'true' } },
    );
    await h.reconciler.reconcile(staged, log);
    expect(synced(h.writes.at(-1))?.reason).toBe('Paused');
    await h.reconciler.reconcile(
      { ...h.stored(staged), metadata: { ...staged.metadata, annotations: {} } },
      log,
    );
    expect(h.events.map((e) => e.reason)).toEqual(['Paused', 'Resumed', 'InvalidSpec']);
    expect(synced(h.writes.at(-1))?.message).toMatch(
      /spec\.region eu-west-1 differs from the dataset's region/,
    );
    expect(aws.calls).toEqual([]);
  });

  it('never creates twice when the process dies between Create and the status write', async () => {
    const aws = new FakePersonalize();
    const before = harness(aws);
    before.crashOnWrite();
    await expect(before.reconciler.reconcile(resource(), log)).rejects.toThrow(
      /died before the status write/,
    );
    expect(aws.calls.filter((c) => c === 'create')).toHaveLength(1);

    // A new process, which remembers nothing of the Create: the record written before it tells, no opt-in.
    const after = harness(aws);
    await after.reconciler.reconcile(before.stored(resource()), log);
    expect(aws.calls.filter((c) => c === 'create')).toHaveLength(1);
    expect(after.writes.at(-1)?.datasetExportJobArn).toMatch(/dataset-export-job\/ml-export-[0-9a-f]{10}$/);
    expect(after.events.map((e) => e.reason)).toEqual(['StatusChanged']);
    expect(aws.plans).toEqual([]);
  });
});
