/**
 * Duration flags with their unit (`250ms`, `5s`, `10m`, `1h`).
 */
import { UsageError } from './usage-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses `250ms`, `5s`, `10m`, `1h` for the option named `flag`. A bare number is refused: read as
 * milliseconds, `--poll-min 5` meant polling every 5 ms.
 */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    throw new UsageError(
      `${flag}: ${value} needs a unit: ${text}s, ${text}m or ${text}ms (250ms, 5s, 10m, 1h)`,
    );
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw new UsageError(`${flag}: ${value} is not a duration (examples: 250ms, 5s, 10m, 1h)`);
  return Math.round(Number(match[1]) * UNITS[match[2]!]!);
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
