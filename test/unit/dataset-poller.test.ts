import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Failed, Identity, ObservedJob } from '../../src/personalize-job/observation.js';
import { ParentPoller, type Sweep } from '../../src/personalize-job/parent-poller.js';

const log = pino({ level: 'silent' });
const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS';
const identity = (name: string): Identity => ({
  region: 'us-east-1',
  account: '123456789012',
  partition: 'aws',
  jobName: name,
  arn: `arn:aws:personalize:us-east-1:123456789012:dataset-export-job/${name}`,
});
const job = (name: string, status: string): ObservedJob => ({
  arn: identity(name).arn,
  jobName: name,
  status,
});

/** A dataset in AWS: its jobs, listed newest first in pages of two; each sweep and page counted. */
function fakeAws() {
  const jobs: ObservedJob[] = [];
  const aws = { jobs, sweeps: 0, pages: 0, fail: undefined as Failed | undefined };
  const sweep: Sweep = async (_identity, _dataset, enough) => {
    aws.sweeps++;
    if (aws.fail) return aws.fail;
    const seen = new Map<string, ObservedJob>();
    const newest = [...jobs].reverse();
    for (let i = 0; i < newest.length; i += 2) {
      aws.pages++;
      for (const j of newest.slice(i, i + 2)) seen.set(j.arn, { ...j });
      if (enough(seen)) break;
    }
    return seen;
  };
  const set = (name: string, status: string) => {
    const existing = jobs.find((j) => j.jobName === name);
    if (existing) existing.status = status;
    else jobs.push(job(name, status));
  };
  return { aws, sweep, set };
}

describe('ParentPoller', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('lists a dataset as often as its most urgent job needs, once for all, and only while jobs run', async () => {
    const { aws, sweep, set } = fakeAws();
    const changed: string[] = [];
    const poller = new ParentPoller({ sweep, changed: (k) => changed.push(k), logger: log, freshMs: 2_000 });
    set('young', 'CREATE PENDING');
    set('old', 'CREATE IN_PROGRESS');
    poller.watch(identity('old'), DATASET, 'ns/old', 30_000, job('old', 'CREATE IN_PROGRESS'));
    poller.watch(identity('young'), DATASET, 'ns/young', 5_000, job('young', 'CREATE PENDING'));
    await vi.advanceTimersByTimeAsync(20_000);
    // Every 5 s for both jobs: four listings in 20 s, not one per job.
    expect(aws.sweeps).toBe(4);
    expect(changed).toEqual([]);

    set('young', 'CREATE IN_PROGRESS');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(changed).toEqual(['ns/young']);

    // Finished jobs leave the poller; with none running, the dataset is not listed again.
    set('young', 'ACTIVE');
    set('old', 'CREATE FAILED');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(changed.slice(1).sort()).toEqual(['ns/old', 'ns/young']);
    const sweeps = aws.sweeps;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(aws.sweeps).toBe(sweeps);
    poller.stop();
  });

  it('stops paging once every watched job is seen', async () => {
    const { aws, sweep, set } = fakeAws();
    const poller = new ParentPoller({ sweep, changed: () => undefined, logger: log, freshMs: 2_000 });
    for (let i = 0; i < 10; i++) set(`done-${i}`, 'ACTIVE');
    set('running', 'CREATE IN_PROGRESS');
    poller.watch(identity('running'), DATASET, 'ns/running', 5_000, job('running', 'CREATE IN_PROGRESS'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(aws.sweeps).toBe(1);
    // The running job is on the first page (newest first): ten finished jobs' pages are never read.
    expect(aws.pages).toBe(1);
    poller.stop();
  });

  it('answers lookups from a fresh listing, shares a sweep between concurrent lookups, and tells a missing job', async () => {
    const { aws, sweep, set } = fakeAws();
    const poller = new ParentPoller({ sweep, changed: () => undefined, logger: log, freshMs: 2_000 });
    set('a', 'CREATE PENDING');
    const [a, b] = await Promise.all([
      poller.fromList(identity('a'), DATASET, log),
      poller.fromList(identity('b'), DATASET, log),
    ]);
    expect(aws.sweeps).toBe(1);
    expect(a).toMatchObject({ kind: 'found', job: { status: 'CREATE PENDING', parentArn: DATASET } });
    expect(b).toEqual({ kind: 'missing' });
    await vi.advanceTimersByTimeAsync(1_500);
    await poller.fromList(identity('a'), DATASET, log);
    expect(aws.sweeps).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await poller.fromList(identity('a'), DATASET, log);
    expect(aws.sweeps).toBe(2);
    // A caller that accepts an older listing makes no call while it is kept...
    await vi.advanceTimersByTimeAsync(1_000);
    await poller.fromList(identity('a'), DATASET, log, 10_000);
    expect(aws.sweeps).toBe(2);
    // ...but with no job running there, a stale listing is let go (it may hold thousands of jobs).
    await vi.advanceTimersByTimeAsync(2_000);
    await poller.fromList(identity('a'), DATASET, log, 10_000);
    expect(aws.sweeps).toBe(3);
    poller.stop();
  });

  it('wakes the watcher of a job that vanished from a complete listing, and never spins on failures', async () => {
    const { aws, sweep, set } = fakeAws();
    const changed: string[] = [];
    const poller = new ParentPoller({ sweep, changed: (k) => changed.push(k), logger: log, freshMs: 2_000 });
    set('other', 'ACTIVE');
    poller.watch(identity('gone'), DATASET, 'ns/gone', 5_000, job('gone', 'CREATE PENDING'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(changed).toEqual(['ns/gone']);

    aws.fail = {
      kind: 'failed',
      error: { class: 'transient', reason: 'Throttled', code: 'X', message: 'x' },
    };
    const before = aws.sweeps;
    await vi.advanceTimersByTimeAsync(20_000);
    // One attempt per interval, failed or not.
    expect(aws.sweeps - before).toBe(4);
    poller.forget('ns/gone');
    const after = aws.sweeps;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(aws.sweeps).toBe(after);
    poller.stop();
  });
  it('forgets a job in the one dataset that lists it, and moves it when it is watched under another identity', async () => {
    const { aws, sweep, set } = fakeAws();
    const poller = new ParentPoller({ sweep, changed: () => undefined, logger: log, freshMs: 2_000 });
    set('moved', 'CREATE IN_PROGRESS');
    poller.watch(identity('moved'), DATASET, 'ns/moved', 5_000, job('moved', 'CREATE IN_PROGRESS'));
    // The namespace now names a role: the same job is listed with that role's credentials from now on.
    const withRole = { ...identity('moved'), roleArn: 'arn:aws:iam::123456789012:role/team' };
    poller.watch(withRole, DATASET, 'ns/moved', 5_000, job('moved', 'CREATE IN_PROGRESS'));
    await vi.advanceTimersByTimeAsync(10_000);
    // One dataset key lists it every 5 s, not two.
    expect(aws.sweeps).toBe(2);
    poller.forget('ns/moved');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(aws.sweeps).toBe(2);
    poller.stop();
  });

  it("a second resource naming another's job (refused) neither takes over nor drops the first one's watch", async () => {
    const { aws, sweep, set } = fakeAws();
    const changed: string[] = [];
    const poller = new ParentPoller({ sweep, changed: (k) => changed.push(k), logger: log, freshMs: 2_000 });
    set('shared', 'CREATE PENDING');
    poller.watch(identity('shared'), DATASET, 'a/owner', 5_000, job('shared', 'CREATE PENDING'));
    // The copycat in another namespace watches the same job under its own key, then is refused and forgets.
    const otherRole = { ...identity('shared'), roleArn: 'arn:aws:iam::123456789012:role/b' };
    poller.watch(otherRole, DATASET, 'b/copycat', 5_000, job('shared', 'CREATE PENDING'));
    poller.forget('b/copycat');
    poller.forget('b/never-watched');
    set('shared', 'ACTIVE');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(changed).toEqual(['a/owner']);
    expect(aws.sweeps).toBe(1);
    poller.stop();
  });
});
