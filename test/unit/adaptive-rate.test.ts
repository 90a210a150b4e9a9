import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveRate } from '../../src/aws/adaptive-rate.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';

/**
 * A client that always has work, paced by an AdaptiveRate, against a service with a token bucket (AWS's
 * model of a request rate), simulated millisecond by millisecond: no timers, no wall clock.
 */
function simulate(
  limit: number,
  calls: number,
  start = 10,
  burst = 40,
  { storm, until }: { storm?: { fromMs: number; toMs: number; share: number }; until?: number } = {},
) {
  const rate = new AdaptiveRate({ initial: start });
  // A fixed pseudo-random sequence (mulberry32): the storm throttles the same calls on every run.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const rates: number[] = [];
  let serverTokens = burst;
  let clientTokens = 2 * start;
  let pending = calls;
  let done = 0;
  let sent = 0;
  let throttled = 0;
  const answers: { at: number; sentAt: number; ok: boolean }[] = [];
  let t = 0;
  for (; until === undefined ? done < calls : t < until; t++) {
    if (t % 1000 === 0) rates.push(rate.rate);
    serverTokens = Math.min(burst, serverTokens + limit / 1000);
    clientTokens = Math.min(Math.max(1, 2 * rate.rate), clientTokens + rate.rate / 1000);
    while (answers.length && answers[0]!.at <= t) {
      const answer = answers.shift()!;
      if (answer.ok) {
        done++;
        rate.succeeded(t, pending > 0);
      } else {
        throttled++;
        pending++;
        if (rate.throttled(t, answer.sentAt)) clientTokens = Math.min(clientTokens, 0);
      }
    }
    while (pending > 0 && clientTokens >= 1) {
      clientTokens--;
      pending--;
      sent++;
      const stormy = storm && t >= storm.fromMs && t < storm.toMs && random() < storm.share;
      const ok = !stormy && serverTokens >= 1;
      if (ok) serverTokens--;
      answers.push({ at: t + 20, sentAt: t, ok });
    }
  }
  return { seconds: t / 1000, throttledShare: throttled / sent, finalRate: rate.rate, rates };
}

describe('AdaptiveRate (AIMD)', () => {
  // The time bound: the service's own floor (calls / limit, less its burst), plus the search from 10/s up.
  it.each([
    [5, 1000, 200],
    [20, 1000, 50 * 1.05],
    [50, 1000, 26],
    [100, 10_000, 113],
  ])(
    'finds a limit of %i calls/s from 10/s: %i calls with under 1 %% throttled, in %d s',
    (limit, calls, bound) => {
      const run = simulate(limit, calls);
      expect(run.throttledShare).toBeLessThanOrEqual(0.01);
      expect(run.seconds).toBeLessThanOrEqual(bound);
      expect(run.finalRate).toBeGreaterThan(limit * 0.6);
      expect(run.finalRate).toBeLessThan(limit * 1.3);
    },
  );

  // The storm cuts the rate to its floor over and over; once it is over, the rate last known to work (or,
  // with none known, a doubling search) brings the client back to the service's rate within seconds.
  it.each([
    { when: 'after two minutes at the limit', fromMs: 120_000 },
    { when: 'with no rate known before it', fromMs: 0 },
  ])(
    'is back at 90 percent of the service rate within 20 s of a minute of 30 percent throttled calls, $when',
    ({ fromMs }) => {
      const toMs = fromMs + 60_000;
      const run = simulate(20, 1e9, 10, 40, { storm: { fromMs, toMs, share: 0.3 }, until: toMs + 20_000 });
      expect(run.rates[toMs / 1000 - 1]).toBeLessThan(5);
      expect(run.finalRate).toBeGreaterThanOrEqual(18);
      // And it stays there, with the usual share of calls throttled, for the next minutes.
      const after = simulate(20, 1e9, 10, 40, { storm: { fromMs, toMs, share: 0.3 }, until: toMs + 200_000 });
      expect(Math.min(...after.rates.slice(toMs / 1000 + 20))).toBeGreaterThanOrEqual(20 * 0.6);
    },
  );

  it('takes a lull inside a storm for none: after the storm it searches again instead of holding the floor', () => {
    const rate = new AdaptiveRate({ initial: 10 });
    let t = 0;
    const cut = () => {
      t += 1_000;
      rate.throttled(t, t);
    };
    const calm = (ms: number) => {
      for (const end = t + ms; t < end; t += 100) rate.succeeded(t, true);
    };
    // Four cuts take it to its floor; a lull of 12 s there (a storm throttles only a share of calls); two more.
    for (let i = 0; i < 4; i++) cut();
    calm(12_000);
    cut();
    cut();
    expect(rate.rate).toBeLessThan(2);
    // The storm is over: after its quiet spell the search doubles the rate each second, back past the start.
    calm(16_000);
    expect(rate.rate).toBeGreaterThan(10);
  });

  it('cuts once per congestion episode: calls sent before the cut do not cut again', () => {
    const rate = new AdaptiveRate({ initial: 20 });
    expect(rate.throttled(1_000, 990)).toBe(true);
    expect(rate.rate).toBeCloseTo(12);
    expect(rate.throttled(1_010, 995)).toBe(false);
    expect(rate.rate).toBeCloseTo(12);
    expect(rate.throttled(1_200, 1_100)).toBe(true);
    expect(rate.rate).toBeCloseTo(7.2);
  });

  it('grows only while calls wait on it, and never below its floor or above its ceiling', () => {
    const idle = new AdaptiveRate({ initial: 10 });
    for (let t = 0; t <= 60_000; t += 100) idle.succeeded(t, false);
    expect(idle.rate).toBe(10);

    const busy = new AdaptiveRate({ initial: 10, max: 15 });
    for (let t = 0; t <= 60_000; t += 100) busy.succeeded(t, true);
    expect(busy.rate).toBe(15);

    const storm = new AdaptiveRate({ initial: 10 });
    for (let t = 0; t < 100; t++) storm.throttled(t * 1000, t * 1000);
    expect(storm.rate).toBe(1);
  });

  it('climbs back to the rate remembered from the last throttle within seconds, then only additively', () => {
    const rate = new AdaptiveRate({ initial: 20 });
    rate.throttled(0, 0);
    for (let t = 100; t <= 9_000; t += 100) rate.succeeded(t, true);
    expect(rate.rate).toBeGreaterThanOrEqual(17);
    expect(rate.rate).toBeLessThan(17.1);
    const back = rate.rate;
    for (let t = 9_100; t <= 19_000; t += 100) rate.succeeded(t, true);
    // Ten more seconds past it: half a percent of it per second.
    expect(rate.rate).toBeCloseTo(back + 10 * 0.085, 5);
  });
});

describe('RateLimiter', () => {
  afterEach(() => vi.useRealTimers());

  it('paces each key at its own adapted rate and holds fewer tokens after a cut', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(10, 20);
    const granted: number[] = [];
    const take = (key: string) => limiter.take(key).then(() => granted.push(Date.now()));
    const first = Array.from({ length: 30 }, () => take('a|us-east-1|Create'));
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(first);
    // The burst (20) at once, then 10 more over the second at about 10/s (growing while they waited).
    expect(granted.filter((t) => t === 0)).toHaveLength(20);
    expect(granted).toHaveLength(30);
    limiter.throttled('a|us-east-1|Create', 0);
    const [[, cut]] = limiter.rates() as [[string, number]];
    expect(cut).toBeLessThan(10);
    // Another key is untouched by the first one's throttling.
    await limiter.take('a|us-east-1|List');
    expect(limiter.rates().find(([k]) => k.endsWith('List'))?.[1]).toBe(10);
    granted.length = 0;
    const start = Date.now();
    const after = Array.from({ length: 10 }, () => take('a|us-east-1|Create'));
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(after);
    // No saved-up burst after the cut: the ten calls are spread over about 10 / rate seconds.
    expect(granted.at(-1)! - start).toBeGreaterThan(900);
  });
});
