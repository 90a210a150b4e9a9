/**
 * A token bucket per key whose rate adapts to the service's throttling, shared by every call with that key.
 */
import { AdaptiveRate } from './adaptive-rate.js';

interface Bucket {
  rate: AdaptiveRate;
  tokens: number;
  last: number;
  queue: (() => void)[];
  timer?: NodeJS.Timeout;
  /** When a call last had to wait for a token: the rate, not the work, was what held calls back. */
  waitedAt: number;
}

/**
 * What a bucket holds once AWS has throttled its key: a tenth of a second of its rate. Less would lose tokens
 * to timer lateness (a 10 ms late timer at 100/s is a call not sent).
 */
const SMOOTH_SECONDS = 0.1;

/** How long after a call waited the rate still counts as the bottleneck. */
const SATURATED_FOR_MS = 1_000;

/**
 * Token buckets by key (the client pool uses account, region and operation): every call waits for a token, and
 * each bucket's rate is found by probing (see AdaptiveRate), so a large fleet runs at what the service takes
 * without being told it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * A bucket holds this many seconds of its current rate (a cut rate also bursts less after a pause), and only
   * SMOOTH_SECONDS of it once AWS has throttled that key: calls then go nearly evenly spaced.
   */
  private readonly burstSeconds: number;

  constructor(
    private readonly perSecond: number,
    burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burstSeconds = burst / perSecond;
  }

  take(key: string): Promise<void> {
    const bucket = this.bucket(key);
    this.refill(bucket);
    if (bucket.queue.length === 0 && bucket.tokens >= 1) {
      bucket.tokens--;
      return Promise.resolve();
    }
    bucket.waitedAt = this.now();
    return new Promise((resolve) => {
      bucket.queue.push(resolve);
      this.drainLater(bucket);
    });
  }

  /** A call with this key sent at `sentAt` was throttled: the rate is cut and the tokens saved up are dropped. */
  throttled(key: string, sentAt: number): void {
    const bucket = this.bucket(key);
    this.refill(bucket);
    if (bucket.rate.throttled(this.now(), sentAt)) bucket.tokens = Math.min(bucket.tokens, 0);
  }

  succeeded(key: string): void {
    const bucket = this.bucket(key);
    const now = this.now();
    bucket.rate.succeeded(now, now - bucket.waitedAt < SATURATED_FOR_MS);
  }

  /** Each key's current rate (calls per second), for metrics. */
  rates(): [key: string, perSecond: number][] {
    return [...this.buckets].map(([key, bucket]) => [key, bucket.rate.rate]);
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        rate: new AdaptiveRate({ initial: this.perSecond }),
        tokens: this.perSecond * this.burstSeconds,
        last: this.now(),
        queue: [],
        waitedAt: Number.NEGATIVE_INFINITY,
      };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    const rate = bucket.rate.rate;
    bucket.tokens = Math.min(
      Math.max(1, rate * (bucket.rate.bursts ? this.burstSeconds : SMOOTH_SECONDS)),
      bucket.tokens + ((now - bucket.last) / 1000) * rate,
    );
    bucket.last = now;
  }

  private drainLater(bucket: Bucket): void {
    if (bucket.timer) return;
    const wait = Math.max(1, ((1 - bucket.tokens) / bucket.rate.rate) * 1000);
    bucket.timer = setTimeout(() => {
      bucket.timer = undefined;
      this.refill(bucket);
      while (bucket.queue.length && bucket.tokens >= 1) {
        bucket.tokens--;
        bucket.queue.shift()!();
      }
      if (bucket.queue.length) this.drainLater(bucket);
    }, wait);
  }
}
