import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassifiedError } from '../../src/aws/errors.js';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import type { DatasetExportJob } from '../../src/kinds/dataset-export-job/types.js';
import { decideSchedule } from '../../src/kinds/dataset-export-schedule/decide.js';
import type { DatasetExportSchedule } from '../../src/kinds/dataset-export-schedule/types.js';
import { packageRoot } from '../../src/local/package-root.js';
import { invalidAnnotation, paused } from '../../src/personalize-job/annotations.js';
import { withProgressAdded } from '../../src/personalize-job/conditions.js';
import { decide } from '../../src/personalize-job/decide.js';
import type { DecideSettings, Update } from '../../src/personalize-job/decision.js';
import { identityOf } from '../../src/personalize-job/identity.js';
import type { Identity, Observation, ObservedJob } from '../../src/personalize-job/observation.js';

const now = new Date('2026-11-28T12:00:00Z');
const settings: DecideSettings<DatasetExportJob['spec']> = {
  kind: exportJob,
  now,
  pollDelay: () => 1000,
  actionableRetryMs: 300_000,
};
const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
const resource: DatasetExportJob = {
  apiVersion: 'personalize.ops.dev/v1alpha1',
  kind: 'DatasetExportJob',
  metadata: { name: 'job', namespace: 'ml', uid: 'uid-1', generation: 1 },
  spec: {
    datasetArn: DATASET,
    roleArn: 'arn:aws:iam::123456789012:role/r',
    jobOutput: { s3DataDestination: { path: 's3://b/' } },
  },
};
const identity = identityOf(exportJob, resource, {}) as Identity;
const found = (status: string, failureReason?: string, created?: ObservedJob['created']): Observation => ({
  kind: 'found',
  job: {
    arn: identity.arn,
    jobName: identity.jobName,
    parentArn: DATASET,
    status,
    failureReason,
    creationDateTime: now,
    lastUpdatedDateTime: now,
    created,
  },
});
/** A job this process created for the resource. */
const own = { createdHere: true };
const failed = (cls: ClassifiedError['class'], reason: string): Observation => ({
  kind: 'failed',
  error: { class: cls, reason, code: `${reason}Exception`, message: 'it went wrong' },
});
const withStatus = (update: Update | ReturnType<typeof decide>, generation = 1): DatasetExportJob => ({
  ...resource,
  metadata: { ...resource.metadata, generation },
  status: (update as Update).status,
});

/**
 * What kstatus (sigs.k8s.io/cli-utils, the library Flux's health checks, kpt and cli-utils use) computes for
 * each resource, from the real library built from its Go module: status TAB message per object.
 */
let kstatus: (objects: (DatasetExportJob | DatasetExportSchedule)[]) => string[];

beforeAll(() => {
  const bin = execFileSync('bash', [join(packageRoot(), 'test/tools/build-kstatus.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  kstatus = (objects) =>
    execFileSync(bin, { input: objects.map((o) => JSON.stringify(o)).join('\n'), encoding: 'utf8' })
      .trimEnd()
      .split('\n');
}, 600_000);

describe('kstatus (what Flux waits on) reads the status the operator writes', () => {
  it('reports a job on its way InProgress, ACTIVE Current and CREATE FAILED Failed with the reason', () => {
    const toCreate = decide(resource, identity, { kind: 'missing' }, settings);
    const record = { ...resource, status: toCreate.kind === 'create' ? toCreate.record : undefined };
    const creating = decide(resource, identity, { kind: 'missing' }, settings, { justCreated: true });
    const running = decide(resource, identity, found('CREATE IN_PROGRESS'), settings, own);
    const active = decide(resource, identity, found('ACTIVE'), settings, own);
    const createFailed = decide(
      resource,
      identity,
      found('CREATE FAILED', 'Insufficient privileges'),
      settings,
      own,
    );
    expect(kstatus([record, ...[creating, running, active, createFailed].map((d) => withStatus(d))])).toEqual(
      [
        `InProgress\tCreating ${identity.jobName} in AWS`,
        'InProgress\tCreateDatasetExportJob succeeded',
        'InProgress\tAWS reports the job CREATE IN_PROGRESS',
        'Current\tResource is Ready',
        'Failed\tInsufficient privileges',
      ],
    );
  });

  it('reports errors that clear by themselves InProgress and those that need a person Failed', () => {
    const throttled = decide(resource, identity, failed('transient', 'Throttled'), settings);
    const denied = decide(resource, identity, failed('actionable', 'AccessDenied'), settings);
    const mismatch = decide(
      { ...resource, spec: { ...resource.spec, jobName: 'chosen' } },
      { ...identity, jobName: 'chosen' },
      found('ACTIVE', undefined, { ingestionMode: 'BULK' }),
      settings,
      { adoptionAllowed: true },
    );
    expect(kstatus([throttled, denied, mismatch].map((d) => withStatus(d)))).toEqual([
      'InProgress\tThrottledException: it went wrong',
      'Failed\tAccessDeniedException: it went wrong',
      expect.stringMatching(
        /^Failed\tThe job chosen already exists with other settings: ingestionMode is BULK/,
      ),
    ]);
  });

  it('goes by Ready for a paused resource, reports a refused annotation Failed and a new spec InProgress', () => {
    const running = withStatus(decide(resource, identity, found('CREATE IN_PROGRESS'), settings, own));
    const pausedUpdate = paused(running, now);
    const refused = invalidAnnotation(
      resource,
      'metadata.annotations[personalize.ops.dev/paused] must be "true" or "false"',
      now,
    );
    expect(kstatus([withStatus(pausedUpdate), withStatus(refused), withStatus(pausedUpdate, 2)])).toEqual([
      'InProgress\tAWS reports the job CREATE IN_PROGRESS',
      'Failed\tmetadata.annotations[personalize.ops.dev/paused] must be "true" or "false"',
      'InProgress\tDatasetExportJob generation is 2, but latest observed generation is 1',
    ]);
  });

  it('adds the conditions to a finished status written before they existed, without touching the rest', () => {
    const failedJob = withStatus(
      decide(resource, identity, found('CREATE FAILED', 'No access'), settings, own),
    );
    const before: DatasetExportJob = {
      ...failedJob,
      status: {
        ...failedJob.status,
        conditions: failedJob.status?.conditions?.filter(
          (c) => c.type !== 'Reconciling' && c.type !== 'Stalled',
        ),
      },
    };
    const upgraded = withProgressAdded(before, new Date(now.getTime() + 3_600_000));
    expect(upgraded?.status.conditions?.slice(0, 4)).toEqual(before.status?.conditions);
    expect(
      upgraded?.status.conditions?.slice(4).map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]),
    ).toEqual([
      ['Reconciling', 'False', 'CreateFailed', '2026-11-28T13:00:00Z'],
      ['Stalled', 'True', 'CreateFailed', '2026-11-28T13:00:00Z'],
    ]);
    expect(upgraded?.events).toEqual([]);
    expect(kstatus([before, withStatus(upgraded!)])).toEqual(['InProgress\tNo access', 'Failed\tNo access']);
    expect(withProgressAdded(failedJob, now)).toBeUndefined();
  });
});

describe('kstatus reads the status schedules get', () => {
  const schedule = (extra: Partial<DatasetExportSchedule['spec']> = {}): DatasetExportSchedule => ({
    apiVersion: 'personalize.ops.dev/v1alpha1',
    kind: 'DatasetExportSchedule',
    metadata: { name: 'nightly', namespace: 'ml', uid: 'uid-s', generation: 1, creationTimestamp: now },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { ...resource.spec } },
      ...extra,
    },
  });
  const run = (status: string, at: string) =>
    ({
      metadata: { name: `run-${at}`, annotations: { 'personalize.ops.dev/scheduled-at': at } },
      spec: resource.spec,
      status: {
        status,
        lastUpdatedDateTime: at,
        failureReason: status === 'CREATE FAILED' ? 'No access' : undefined,
      },
    }) as DatasetExportJob;
  const withScheduleStatus = (s: DatasetExportSchedule, runs: DatasetExportJob[], at: string) => ({
    ...s,
    status: decideSchedule(s, runs, new Date(at)).status,
  });

  it('is Current between runs, InProgress while the first runs, Failed when the last run failed or it cannot run', () => {
    expect(
      kstatus([
        withScheduleStatus(schedule(), [run('ACTIVE', '2026-11-29T03:05:00Z')], '2026-11-29T10:00:00Z'),
        withScheduleStatus(
          schedule(),
          [run('CREATE PENDING', '2026-11-29T03:00:00Z')],
          '2026-11-29T10:00:00Z',
        ),
        withScheduleStatus(
          schedule(),
          [run('ACTIVE', '2026-11-28T03:05:00Z'), run('CREATE FAILED', '2026-11-29T03:05:00Z')],
          '2026-11-29T10:00:00Z',
        ),
        withScheduleStatus(schedule({ timeZone: 'Nowhere/Else' }), [], '2026-11-29T10:00:00Z'),
      ]),
    ).toEqual([
      'Current\tResource is Ready',
      expect.stringMatching(/^InProgress\tThe first run run-2026-11-29T03:00:00Z is on its way/),
      'Failed\tThe last run run-2026-11-29T03:05:00Z failed: No access',
      expect.stringMatching(/^Failed\tspec\.timeZone: Nowhere\/Else is not an IANA time zone/),
    ]);
  });
});
