/**
 * The work queue between watch events and reconciles: de-duplication, bounded concurrency, backoff, timers.
 */
import { PriorityQueue } from '@datastructures-js/priority-queue';
import type { Logger } from 'pino';

export interface WorkQueueOptions {
  concurrency: number;
  /** Per-key exponential backoff for failures: base * 2^(failures-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Fraction of random spread added to requeue delays, so a fleet does not move in lockstep. */
  jitter: number;
  logger: Logger;
  random?: () => number;
  /** Queue keys but process none until `resume` (a standby waiting for leadership keeps its queue warm). */
  paused?: boolean;
  /**
   * Lower runs first. The controller ranks polls of existing jobs before Creates, so a burst of new
   * resources waiting for the Create rate limit never delays status updates of running jobs.
   */
  priority?: (key: string) => number;
  /** Told how long each key waited in the queue before a worker took it (queue latency). */
  onDequeue?: (waitedSeconds: number) => void;
}

/**
 * A work queue in the manner of client-go's: keys are de-duplicated while waiting, a key is never processed
 * twice at once (a key added while processing runs again afterwards), concurrency is bounded, and each key has
 * its own backoff and requeue-after timer. The handler says what comes next (`succeeded`, `retryLater`,
 * `addAfter`); the queue only keeps time.
 */
export class WorkQueue {
  /** Waiting keys, most urgent rank first and first in first out within a rank (ranked once, when added). */
  private readonly waiting = new PriorityQueue<{ rank: number; seq: number; key: string }>(
    (a, b) => a.rank - b.rank || a.seq - b.seq,
  );
  private added = 0;
  /** Keys waiting, with the time they were queued. */
  private readonly queued = new Map<string, number>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly idleWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private paused: boolean;
  /** When a reconcile last finished, or the queue last went from idle to busy. */
  private progressAt = Date.now();
  private readonly random: () => number;

  constructor(
    private readonly handler: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.paused = options.paused ?? false;
  }

  resume(): void {
    this.paused = false;
    this.progressAt = Date.now();
    this.pump();
  }

  get depth(): number {
    return this.waiting.size();
  }

  /**
   * How long work has waited or run without any reconcile finishing: a hung worker or a stuck queue. Zero
   * while idle or paused (a standby is not expected to make progress).
   */
  get stalledForMs(): number {
    if (this.paused || this.shuttingDown || !this.busy) return 0;
    return Date.now() - this.progressAt;
  }

  private get busy(): boolean {
    return this.waiting.size() > 0 || this.processing.size > 0;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (!this.busy) this.progressAt = Date.now();
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.set(key, Date.now());
    this.waiting.enqueue({ rank: this.options.priority?.(key) ?? 0, seq: this.added++, key });
    this.pump();
  }

  /** Adds the key after `ms`; an earlier pending timer for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    // Node fires a timer longer than 2^31-1 ms at once: a far requeue waits that long and is looked at again.
    ms = Math.min(ms, MAX_TIMER_MS);
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /**
   * Runs every key that is backing off after a failure now (the cause, such as an API server outage, has
   * just cleared), its backoff starting afresh: failures counted during an outage would otherwise make one
   * more failure as the server comes back cost minutes.
   */
  retryFailedNow(): number {
    const keys = [...this.failures.keys()];
    for (const key of keys) {
      this.dropTimer(key);
      this.failures.delete(key);
      this.add(key);
    }
    return keys.length;
  }

  /** The key's reconcile worked: its next failure backs off from the start again. */
  succeeded(key: string): void {
    this.failures.delete(key);
  }

  /**
   * The key's reconcile worked and asks for nothing until its object changes: a requeue an earlier reconcile
   * set is dropped too. Without this, a job polled every few seconds and then woken as it finished was
   * reconciled once more when the last poll's timer came due, for nothing.
   */
  settled(key: string): void {
    this.failures.delete(key);
    this.dropTimer(key);
  }

  /** The key's reconcile failed: it runs again after its backoff, which doubles with each failure. */
  retryLater(key: string): void {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.addAfter(key, this.backoffDelay(failures));
  }

  /** Forgets a key's timer and failure count (the object is gone). */
  remove(key: string): void {
    this.dropTimer(key);
    this.failures.delete(key);
  }

  private dropTimer(key: string): void {
    clearTimeout(this.timers.get(key)?.timer);
    this.timers.delete(key);
  }

  backoffDelay(failures: number): number {
    const raw = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffBaseMs * 2 ** Math.max(0, failures - 1),
    );
    return this.jittered(raw);
  }

  /** `ms` with the configured random spread added, so a fleet does not move in lockstep. */
  jittered(ms: number): number {
    return Math.round(ms * (1 + this.options.jitter * this.random()));
  }

  private pump(): void {
    while (
      !this.shuttingDown &&
      !this.paused &&
      this.processing.size < this.options.concurrency &&
      this.waiting.size()
    ) {
      const { key } = this.waiting.dequeue()!;
      this.options.onDequeue?.((Date.now() - (this.queued.get(key) ?? Date.now())) / 1000);
      this.queued.delete(key);
      this.processing.add(key);
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    try {
      await this.handler(key);
    } catch (err) {
      this.options.logger.error({ err, key }, 'reconcile failed');
      this.retryLater(key);
    }
    this.processing.delete(key);
    this.progressAt = Date.now();
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
    if (this.processing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Stops taking work and waits (up to `graceMs`) for reconciles in flight to finish. */
  async shutdown(graceMs: number): Promise<boolean> {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
    this.queued.clear();
    if (this.processing.size === 0) return true;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref());
    return Promise.race([idle, timeout]);
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;
