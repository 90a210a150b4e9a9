import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Indexer } from '../../src/runtime/indexer.js';
import { generationOrAnnotations } from '../../src/runtime/predicates.js';
import { WorkQueue } from '../../src/runtime/work-queue.js';

type Obj = KubernetesObject & { status?: { ref?: string } };
const obj = (
  generation: number,
  annotations: Record<string, string> = {},
  status: Obj['status'] = {},
): Obj => ({
  metadata: { name: 'o', namespace: 'ns', generation, annotations },
  status,
});

describe('the trigger predicate', () => {
  const trigger = generationOrAnnotations<Obj>('example.com/poke', 'example.com/paused');

  it('wakes on a new generation and on a change of a named annotation', () => {
    expect(trigger(obj(2))).not.toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'example.com/poke': 'now' }))).not.toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'example.com/paused': 'true' }))).not.toBe(
      trigger(obj(1, { 'example.com/paused': 'false' })),
    );
  });

  it('ignores status writes and other metadata', () => {
    expect(trigger(obj(1, {}, { ref: 'x' }))).toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }))).toBe(
      trigger(obj(1)),
    );
  });
});

describe('Indexer', () => {
  it('finds objects by value, follows changes and forgets deleted keys', () => {
    const index = new Indexer<Obj>((o) => o.status?.ref);
    index.update('ns/a', obj(1, {}, { ref: 'x' }));
    index.update('ns/b', obj(1, {}, { ref: 'x' }));
    index.update('ns/c', obj(1));
    expect(index.get('x').length).toBe(2);
    index.update('ns/a', obj(1, {}, { ref: 'y' }));
    expect(index.get('x').length).toBe(1);
    expect(index.get('y').length).toBe(1);
    index.update('ns/b', undefined);
    expect(index.get('x')).toEqual([]);
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
