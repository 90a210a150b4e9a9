import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/runtime/reconcile.js';
import { WorkQueue } from '../../src/runtime/work-queue.js';

const logger = pino({ level: 'silent' });

/** A queue whose handler answers with a Result, read as the controller reads it. */
function queue(handler: (key: string) => Promise<Result>, concurrency = 2) {
  const q: WorkQueue = new WorkQueue(
    async (key) => {
      const result = await handler(key);
      if (result.kind === 'backoff') return q.retryLater(key);
      if (result.kind === 'none') return q.settled(key);
      q.succeeded(key);
      q.addAfter(key, q.jittered(result.ms));
    },
    { concurrency, backoffBaseMs: 100, backoffMaxMs: 1_000, jitter: 0, logger, random: () => 0 },
  );
  return q;
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('de-duplicates waiting keys and never runs one key twice at once', async () => {
    const running = new Set<string>();
    const seen: string[] = [];
    let overlap = false;
    let release: () => void = () => undefined;
    const q = queue(async (key) => {
      if (running.has(key)) overlap = true;
      running.add(key);
      seen.push(key);
      if (seen.length === 1) await new Promise<void>((r) => (release = r));
      running.delete(key);
      return { kind: 'none' };
    }, 1);
    q.add('a');
    await vi.advanceTimersByTimeAsync(0);
    // While 'a' runs (one worker): 'b' waits once however often it is added, and 'a' is marked to run again.
    q.add('b');
    q.add('b');
    q.add('a');
    q.add('a');
    expect(q.depth).toBe(1);
    expect(seen).toEqual(['a']);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(overlap).toBe(false);
  });

  it('runs keys of better priority first', async () => {
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const q = new WorkQueue(
      async (key) => {
        seen.push(key);
        if (key === 'first') await new Promise<void>((r) => (release = r));
      },
      {
        concurrency: 1,
        backoffBaseMs: 1,
        backoffMaxMs: 1,
        jitter: 0,
        logger,
        priority: (k) => (k.startsWith('poll') ? 0 : 1),
      },
    );
    q.add('first');
    await vi.advanceTimersByTimeAsync(0);
    for (const k of ['create-1', 'create-2', 'poll-1', 'create-3', 'poll-2']) q.add(k);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['first', 'poll-1', 'poll-2', 'create-1', 'create-2', 'create-3']);
  });

  it('ranks each key once, when it is added, however deep the queue (a burst of 10 000 new resources)', async () => {
    const seen: string[] = [];
    let ranked = 0;
    const q = new WorkQueue(
      async (key) => {
        seen.push(key);
      },
      {
        concurrency: 1,
        backoffBaseMs: 1,
        backoffMaxMs: 1,
        jitter: 0,
        logger,
        paused: true,
        priority: (k) => {
          ranked++;
          return k.startsWith('poll') ? 0 : 1;
        },
      },
    );
    for (let i = 0; i < 10_000; i++) q.add(`create-${i}`);
    q.add('poll-1');
    expect(q.depth).toBe(10_001);
    q.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(10_001);
    expect(seen.slice(0, 3)).toEqual(['poll-1', 'create-0', 'create-1']);
    expect(seen.at(-1)).toBe('create-9999');
    // Dequeuing scanned nothing: one rank per key.
    expect(ranked).toBe(10_001);
    expect(q.depth).toBe(0);
  });

  it('bounds concurrency', async () => {
    let active = 0;
    let peak = 0;
    const q = queue(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return { kind: 'none' };
    }, 3);
    for (let i = 0; i < 10; i++) q.add(`k${i}`);
    await vi.advanceTimersByTimeAsync(100);
    expect(peak).toBe(3);
  });

  it('backs off exponentially per key and resets after success', async () => {
    const times: number[] = [];
    let fail = 3;
    const q = queue(async () => {
      times.push(Date.now());
      return fail-- > 0 ? { kind: 'backoff' } : { kind: 'none' };
    });
    const start = Date.now();
    q.add('k');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(times.map((t) => t - start)).toEqual([0, 100, 300, 700]);
  });

  it('requeues after the requested delay, keeping the earliest timer', async () => {
    const times: number[] = [];
    const q = queue(async () => {
      times.push(Date.now());
      return times.length === 1 ? { kind: 'after', ms: 500 } : { kind: 'none' };
    });
    const start = Date.now();
    q.add('k');
    await vi.advanceTimersByTimeAsync(0);
    q.addAfter('k', 2_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(times.map((t) => t - start)).toEqual([0, 500]);
  });

  it('drops an earlier requeue once a newer reconcile of the key asks for nothing more', async () => {
    const runs: number[] = [];
    const answers: Result[] = [{ kind: 'after', ms: 1_000 }, { kind: 'none' }];
    const q = queue(async () => {
      runs.push(Date.now());
      return answers.shift() ?? { kind: 'none' };
    });
    const start = Date.now();
    q.add('job');
    await vi.advanceTimersByTimeAsync(0);
    // Woken before its poll came due (its job finished): this reconcile settles it.
    q.add('job');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs.map((at) => at - start)).toEqual([0, 0]);
    // A key settled is not forgotten: a later change still runs it.
    q.add('job');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(3);
  });

  it('drains reconciles in flight on shutdown and takes no new work', async () => {
    let finished = false;
    const q = queue(async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
      return { kind: 'after', ms: 10 };
    });
    q.add('k');
    await vi.advanceTimersByTimeAsync(0);
    const done = q.shutdown(1_000);
    await vi.advanceTimersByTimeAsync(60);
    expect(await done).toBe(true);
    expect(finished).toBe(true);
    q.add('other');
    expect(q.depth).toBe(0);
  });
});

describe('WorkQueue health and recovery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports how long queued work has waited with no reconcile finishing, and nothing while idle', async () => {
    let release: () => void = () => undefined;
    const q = new WorkQueue(() => new Promise<void>((r) => (release = r)), {
      concurrency: 1,
      backoffBaseMs: 100,
      backoffMaxMs: 1_000,
      jitter: 0,
      logger: pino({ level: 'silent' }),
    });
    expect(q.stalledForMs).toBe(0);
    q.add('a');
    q.add('b');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(q.stalledForMs).toBe(5_000);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stalledForMs).toBe(0);
  });

  it('runs every key backing off at once when told the cause has cleared', async () => {
    const runs: string[] = [];
    const q: WorkQueue = new WorkQueue(
      async (key) => {
        runs.push(key);
        if (runs.length <= 2) q.retryLater(key);
        else q.succeeded(key);
      },
      {
        concurrency: 2,
        backoffBaseMs: 60_000,
        backoffMaxMs: 60_000,
        jitter: 0,
        logger: pino({ level: 'silent' }),
      },
    );
    q.add('a');
    q.add('b');
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toEqual(['a', 'b']);
    expect(q.retryFailedNow()).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toEqual(['a', 'b', 'a', 'b']);
  });

  it('starts the backoff afresh for keys retried after a recovery', async () => {
    const runs: number[] = [];
    const q: WorkQueue = new WorkQueue(
      async (key) => {
        runs.push(Date.now());
        q.retryLater(key);
      },
      {
        concurrency: 1,
        backoffBaseMs: 1_000,
        backoffMaxMs: 60_000,
        jitter: 0,
        logger: pino({ level: 'silent' }),
      },
    );
    const start = Date.now();
    q.add('k');
    await vi.advanceTimersByTimeAsync(3_500); // runs at 0, 1 s, 3 s: the next would wait 4 s
    q.retryFailedNow();
    await vi.advanceTimersByTimeAsync(1_600);
    // Right away, then after the base delay again, not after 8 s.
    expect(runs.map((t) => t - start)).toEqual([0, 1_000, 3_000, 3_500, 4_500]);
    q.remove('k');
  });
});
