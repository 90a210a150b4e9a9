/**
 * The rate one AWS operation may be called at, found by probing: AWS publishes none for Personalize (AIMD).
 */

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
/** Without a throttle for this long, calls are taken to succeed again (a storm of throttles is over). */
const QUIET_MS = 10_000;
/** The rate last known to work is trusted this long after it last worked. */
const PEAK_TTL_MS = 5 * 60_000;
/**
 * Below this share of the rate last known to work, the remembered rate was cut by more than one episode of
 * congestion (one cut leaves REMEMBERED of it): a storm of throttles collapsed it, not the service's limit.
 */
const COLLAPSED = 0.6;
/** Where a collapsed rate is restored to, as a share of the rate last known to work. */
const RESTORE = 0.95;
/** Growth per second of a search restarted after a storm with no rate known to work: it doubles. */
const RESTART = 1;
/**
 * Cuts between two quiet spells that make a storm when no rate is known to work yet. Finding a limit below the
 * starting rate takes a few (each cut leaves 60 %); a storm of a minute makes dozens.
 */
const STORM_CUTS = 6;
/** A remembered rate within this multiple of the floor was driven there by a storm, not found as a limit. */
const FLOOR_BAND = 2;

/**
 * Additive increase, multiplicative decrease, with a remembered rate. Until AWS first throttles, the rate grows
 * by a fifth per second of calls waiting on it. A throttle cuts it to 60 % and remembers 85 % of it as good;
 * below that the rate climbs back within seconds, past it only additively (half a percent of it per second),
 * so the service's limit is approached slowly and each probe past it costs about one throttled call.
 * Simulated from 10/s against a token bucket of 5, 20, 50 and 100 calls/s (burst 40): under 1 % of calls
 * throttled.
 *
 * A storm of throttles (AWS throttling a share of all calls for a minute, whatever their rate) cuts again and
 * again, down to the floor, and the remembered rate with it: climbing back from there additively would take
 * minutes. So the rate last known to work (the highest one sustained for QUIET_MS without a throttle, within
 * PEAK_TTL_MS) is kept apart from the storm, and once calls have succeeded for QUIET_MS again, a remembered
 * rate collapsed below COLLAPSED of it is restored to RESTORE of it (climbed to within seconds, then probed past
 * as usual). Without such a rate, the search starts over, doubling each second until the next throttle. One cut alone never restores:
 * at the limit, the steady state is unchanged.
 */
export class AdaptiveRate {
  private current: number;
  private remembered: number | undefined;
  /** Calls sent before this instant were paced by a rate already cut for their throttling. */
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private increasedAt: number | undefined;
  private throttledAt = Number.NEGATIVE_INFINITY;
  /** The highest rate sustained without a throttle for QUIET_MS, and when it last was. */
  private peak: { rate: number; at: number } | undefined;
  /** The rate about once a second since the last throttle, over the last QUIET_MS: what was sustained. */
  private readonly samples: { at: number; rate: number }[] = [];
  /** Growth per second while searching: SEARCH at the start, RESTART after a storm. */
  private searchGrowth = SEARCH;
  /** Cuts since calls last went unthrottled for QUIET_MS. */
  private cuts = 0;
  private readonly initial: number;
  private readonly min: number;
  private readonly max: number;

  constructor(options: AdaptiveRateOptions) {
    this.initial = options.initial;
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
    this.throttledAt = now;
    this.samples.length = 0;
    if (sentAt < this.decreasedAt) return false;
    this.searchGrowth = SEARCH;
    this.cuts++;
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
    const sustained = this.sustained(now);
    if (sustained !== undefined) this.quiet(now, sustained);
    const good = this.remembered;
    if (good === undefined) {
      this.current = Math.min(this.max, this.current * (1 + this.searchGrowth * seconds));
    } else if (this.current < good) {
      const climb = Math.max(good * PROBE, (good - this.current) / 2);
      this.current = Math.min(good, this.current + climb * seconds);
    } else {
      this.current = Math.min(this.max, this.current + good * PROBE * seconds);
    }
  }

  /**
   * Calls have gone unthrottled for QUIET_MS. A remembered rate collapsed below what one cut leaves is
   * restored; otherwise the current rate is known to work.
   */
  private quiet(now: number, sustained: number): void {
    const peak = this.peak && now - this.peak.at <= PEAK_TTL_MS ? this.peak : undefined;
    const collapsed =
      this.remembered !== undefined && this.remembered < (peak?.rate ?? this.initial) * COLLAPSED;
    const cuts = this.cuts;
    // Driven down to near its floor with nothing known to work, and too few cuts yet to call it a storm: a lull
    // inside a storm (it throttles a share of calls, so a client at its floor can go QUIET_MS unthrottled in the
    // middle of one). The lull proves nothing: its rate is not recorded as known to work (after the storm the
    // client would be held to it), and the storm's cuts go on counting. A limit found below the start stays
    // well above the floor, and is recorded as before.
    const atFloor = this.remembered !== undefined && this.remembered < this.min * FLOOR_BAND;
    if (collapsed && atFloor && !peak && cuts < STORM_CUTS) return;
    this.cuts = 0;
    if (collapsed && peak) {
      this.remembered = Math.min(this.max, peak.rate * RESTORE);
    } else if (collapsed && cuts >= STORM_CUTS) {
      // Nothing known to work: search again, doubling each second until the next throttle (a slow start).
      // Once: from now on the rate sustained here is the one known.
      this.remembered = undefined;
      this.searchGrowth = RESTART;
      this.peak = { rate: sustained, at: now };
    } else if (!peak || sustained >= peak.rate * (1 - PROBE)) {
      this.peak = { rate: Math.max(sustained, peak?.rate ?? 0), at: now };
    }
  }

  /**
   * The least rate in force over the last QUIET_MS, all of it without a throttle and with calls waiting;
   * undefined while that is not yet so (a rate reached for a moment, in a burst the service allowed, is not
   * one known to work).
   */
  private sustained(now: number): number | undefined {
    const last = this.samples.at(-1);
    if (!last || now - last.at >= 1_000) this.samples.push({ at: now, rate: this.current });
    while (this.samples.length > 1 && this.samples[1]!.at <= now - QUIET_MS) this.samples.shift();
    const first = this.samples[0]!;
    if (now - first.at < QUIET_MS || now - this.throttledAt < QUIET_MS) return undefined;
    return Math.min(...this.samples.map((sample) => sample.rate));
  }
}
