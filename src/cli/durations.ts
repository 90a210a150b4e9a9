import { UsageError } from './usage-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses `250ms`, `5s`, `10m`, `1h` (or plain milliseconds) for the option named `flag`. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag}: ${value} is not a duration (examples: 250ms, 5s, 10m, 1h)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: ${value} must be a whole number >= 1`);
  return n;
}

/** Parses `host:port` or `:port` (all interfaces); port 0 picks a free one. */
export function parseAddr(flag: string, addr: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(addr);
  if (!match || Number(match[2]) > 65535) throw new UsageError(`${flag}: ${addr} is not host:port or :port`);
  return { host: match[1] || '0.0.0.0', port: Number(match[2]) };
}
