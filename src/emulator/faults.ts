/**
 * Quotas and faults injected through the admin endpoint: rate limits, errors, latency, dropped calls.
 */
import { ApiError, invalidInput } from './errors.js';

/**
 * Quotas and injected faults, set through the admin endpoint. Keys of the per-operation maps are operation
 * names (`CreateDatasetExportJob`) or `*` for every operation.
 */
export interface FaultConfig {
  /** Token bucket per operation (`*`: the same limit for each operation): requests per second and burst. */
  rateLimits?: Record<string, { perSecond: number; burst?: number }>;
  /** Probability (0..1) per answer: `LimitExceededException`, `HTTP500` or `HTTP503`. */
  errorRates?: Record<string, Partial<Record<InjectedError, number>>>;
  /** Milliseconds added before answering. */
  latencyMs?: Record<string, number>;
  /** Probability (0..1) that the connection is dropped without an answer. */
  dropRates?: Record<string, number>;
  /** Cap on export jobs that are pending or in progress at once, per region. */
  maxInFlightExportJobs?: number;
  /** Role ARNs that Personalize cannot use: their jobs end CREATE FAILED. */
  deniedRoles?: string[];
  /** Buckets Personalize may not write to: jobs exporting there end CREATE FAILED. */
  unwritableBuckets?: string[];
}

export const INJECTED_ERRORS = ['LimitExceededException', 'HTTP500', 'HTTP503'] as const;
export type InjectedError = (typeof INJECTED_ERRORS)[number];

const probability = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

/** Rejects a malformed configuration with the field at fault, so a typo never silently disables a fault. */
export function checkFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalidInput('faults: expected an object');
  const config = input as Record<string, unknown>;
  const known = [
    'rateLimits',
    'errorRates',
    'latencyMs',
    'dropRates',
    'maxInFlightExportJobs',
    'deniedRoles',
    'unwritableBuckets',
  ];
  for (const key of Object.keys(config)) {
    if (!known.includes(key))
      throw invalidInput(`faults.${key}: unknown setting (known: ${known.join(', ')})`);
  }
  const map = (key: string, check: (v: unknown, at: string) => void) => {
    const value = config[key];
    if (value === undefined) return;
    if (typeof value !== 'object' || value === null) throw invalidInput(`faults.${key}: expected an object`);
    for (const [op, v] of Object.entries(value)) check(v, `faults.${key}.${op}`);
  };
  map('rateLimits', (v, at) => {
    const r = v as { perSecond?: unknown; burst?: unknown };
    if (typeof r?.perSecond !== 'number' || r.perSecond <= 0)
      throw invalidInput(`${at}.perSecond: expected a number > 0`);
    if (r.burst !== undefined && (typeof r.burst !== 'number' || r.burst < 1)) {
      throw invalidInput(`${at}.burst: expected a number >= 1`);
    }
  });
  map('errorRates', (v, at) => {
    for (const [code, p] of Object.entries(v as object)) {
      if (!(INJECTED_ERRORS as readonly string[]).includes(code)) {
        throw invalidInput(`${at}.${code}: unknown error (known: ${INJECTED_ERRORS.join(', ')})`);
      }
      if (!probability(p)) throw invalidInput(`${at}.${code}: expected a probability between 0 and 1`);
    }
  });
  map('latencyMs', (v, at) => {
    if (typeof v !== 'number' || v < 0) throw invalidInput(`${at}: expected milliseconds >= 0`);
  });
  map('dropRates', (v, at) => {
    if (!probability(v)) throw invalidInput(`${at}: expected a probability between 0 and 1`);
  });
  const cap = config.maxInFlightExportJobs;
  if (cap !== undefined && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 0)) {
    throw invalidInput('faults.maxInFlightExportJobs: expected an integer >= 0');
  }
  for (const key of ['deniedRoles', 'unwritableBuckets']) {
    const list = config[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
      throw invalidInput(`faults.${key}: expected a list of strings`);
    }
  }
  return config as FaultConfig;
}

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

export type FaultDecision = { kind: 'drop' } | { kind: 'error'; error: ApiError } | { kind: 'pass' };

/** Decides, per request, what the configured faults do to it. */
export class Faults {
  private config: FaultConfig = {};
  private buckets = new Map<string, TokenBucket>();

  constructor(private readonly random: () => number = Math.random) {}

  get current(): FaultConfig {
    return this.config;
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.buckets.clear();
  }

  private pick<T>(map: Record<string, T> | undefined, operation: string): T | undefined {
    return map?.[operation] ?? map?.['*'];
  }

  latency(operation: string): number {
    return this.pick(this.config.latencyMs, operation) ?? 0;
  }

  decide(operation: string): FaultDecision {
    const drop = this.pick(this.config.dropRates, operation);
    if (drop && this.random() < drop) return { kind: 'drop' };
    const limit = this.pick(this.config.rateLimits, operation);
    if (limit) {
      // Like AWS, each operation has its own bucket; `*` sets the limit for every operation.
      const key = operation;
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = new TokenBucket(limit.perSecond, limit.burst ?? Math.max(1, limit.perSecond));
        this.buckets.set(key, bucket);
      }
      if (!bucket.take()) {
        return {
          kind: 'error',
          error: new ApiError(
            'LimitExceededException',
            'The limit on the number of requests per second has been exceeded.',
          ),
        };
      }
    }
    const rates = this.pick(this.config.errorRates, operation) ?? {};
    for (const code of INJECTED_ERRORS) {
      const p = rates[code];
      if (p && this.random() < p) return { kind: 'error', error: injected(code) };
    }
    return { kind: 'pass' };
  }
}

function injected(code: InjectedError): ApiError {
  switch (code) {
    case 'LimitExceededException':
      return new ApiError(code, 'The limit on the number of requests per second has been exceeded.');
    case 'HTTP500':
      return new ApiError(
        'InternalFailure',
        'The request processing has failed because of an unknown error.',
        500,
      );
    case 'HTTP503':
      return new ApiError('ServiceUnavailable', 'The service is unavailable. Please try again later.', 503);
  }
}
