import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/durations.js';

describe('duration flags', () => {
  it('read a number with its unit', () => {
    expect(parseDuration('--poll-min', '250ms')).toBe(250);
    expect(parseDuration('--poll-min', '5s')).toBe(5_000);
    expect(parseDuration('--poll-min', '1.5m')).toBe(90_000);
    expect(parseDuration('--resync', '1h')).toBe(3_600_000);
  });

  it('refuse a bare number, naming the flag and the units it may have meant (5 was once 5 ms)', () => {
    expect(() => parseDuration('--poll-min', '5')).toThrow(
      '--poll-min: 5 needs a unit: 5s, 5m or 5ms (250ms, 5s, 10m, 1h)',
    );
    expect(() => parseDuration('--resync', 'soon')).toThrow(
      '--resync: soon is not a duration (examples: 250ms, 5s, 10m, 1h)',
    );
  });
});
