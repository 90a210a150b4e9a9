//! A token bucket per key, shared by every call with that key.
/**
 * Token buckets by key (the gateway uses account, region and operation): every call waits for a token, so a
 * large fleet stays under AWS's request rate instead of being throttled.
 */
export class RateLimiter {
  private readonly buckets = new Map<
    string,
    { tokens: number; last: number; queue: (() => void)[]; timer?: NodeJS.Timeout }
  >();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string): Promise<void> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, last: Date.now(), queue: [] };
      this.buckets.set(key, bucket);
    }
    this.refill(bucket);
    if (bucket.queue.length === 0 && bucket.tokens >= 1) {
      bucket.tokens--;
      return Promise.resolve();
    }
    const b = bucket;
    return new Promise((resolve) => {
      b.queue.push(resolve);
      this.drainLater(b);
    });
  }

  private refill(bucket: { tokens: number; last: number }): void {
    const now = Date.now();
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.last) / 1000) * this.perSecond);
    bucket.last = now;
  }

  private drainLater(bucket: {
    tokens: number;
    last: number;
    queue: (() => void)[];
    timer?: NodeJS.Timeout;
  }): void {
    if (bucket.timer) return;
    const wait = Math.max(1, ((1 - bucket.tokens) / this.perSecond) * 1000);
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
