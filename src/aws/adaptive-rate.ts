//! The rate one AWS operation may be called at, found by probing: AWS publishes none for Personalize (AIMD).

export interface AdaptiveRateOptions {
  /** Where probing starts (`--aws-rate`). */
  initial: number;
  /** Never slower than this, however often AWS throttles (default 1/s, or `initial` if lower). */
  min?: number;
  /** Never faster than this (default 1000/s, or `initial` if higher). */
  max?: number;
}

/** Multiplicative decrease on a throttle. */
const DECREASE = 0.6;
/** The rate remembered as good after a throttle, as a share of the throttled rate. */
const REMEMBERED = 0.85;
/** Before the first throttle: growth per second of waiting calls, as a share of the rate. */
const SEARCH = 0.2;
/** At and past the remembered rate: additive increase per second of waiting calls, as a share of it. */
const PROBE = 0.005;

/**
 * Additive increase, multiplicative decrease, with a remembered rate. Until AWS first throttles, the rate grows
 * by a fifth per second of calls waiting on it. A throttle cuts it to 60 % and remembers 85 % of it as good;
 * below that the rate climbs back within seconds, past it only additively (half a percent of it per second),
 * so the service's limit is approached slowly and each probe past it costs about one throttled call.
 * Simulated from 10/s against a token bucket of 5, 20, 50 and 100 calls/s (burst 40): under 1 % of calls
 * throttled.
 */
export class AdaptiveRate {
  private current: number;
  private remembered: number | undefined;
  /** Calls sent before this instant were paced by a rate already cut for their throttling. */
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private increasedAt: number | undefined;
  private readonly min: number;
  private readonly max: number;

  constructor(options: AdaptiveRateOptions) {
    this.current = options.initial;
    this.min = options.min ?? Math.min(options.initial, 1);
    this.max = options.max ?? Math.max(options.initial, 1000);
  }

  get rate(): number {
    return this.current;
  }

  /**
   * Whether calls may still go in bursts. Once AWS has throttled, the service's bucket is known to run near
   * empty at this rate, and a burst (workers freed at once after a pause) would spend it in an instant.
   */
  get bursts(): boolean {
    return this.remembered === undefined;
  }

  /**
   * A call sent at `sentAt` was throttled; true when that cut the rate. One cut per congestion episode: calls
   * already sent at the old rate are throttled too, and cutting for each would collapse the rate.
   */
  throttled(now: number, sentAt: number): boolean {
    if (sentAt < this.decreasedAt) return false;
    this.remembered = this.current * REMEMBERED;
    this.current = Math.max(this.min, this.current * DECREASE);
    this.decreasedAt = now;
    this.increasedAt = now;
    return true;
  }

  /**
   * A call succeeded. The rate grows only while calls wait on it (`saturated`): an idle operator learns
   * nothing about the service's limit and must not build up a rate it never tried.
   */
  succeeded(now: number, saturated: boolean): void {
    const last = this.increasedAt ?? now;
    this.increasedAt = now;
    const seconds = Math.min(1, (now - last) / 1000);
    if (!saturated || seconds <= 0) return;
    const good = this.remembered;
    if (good === undefined) {
      this.current = Math.min(this.max, this.current * (1 + SEARCH * seconds));
    } else if (this.current < good) {
      const climb = Math.max(good * PROBE, (good - this.current) / 2);
      this.current = Math.min(good, this.current + climb * seconds);
    } else {
      this.current = Math.min(this.max, this.current + good * PROBE * seconds);
    }
  }
}
