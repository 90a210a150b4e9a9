import { describe, expect, it } from 'vitest';
import { type Cron, parseCron } from '../../src/kinds/dataset-export-schedule/cron.js';
import { at } from '../support/schedule-fixtures.js';

const cron = (schedule: string, zone = 'UTC') => {
  const parsed = parseCron(schedule, zone);
  if ('invalid' in parsed) throw new Error(parsed.invalid);
  return parsed as Cron;
};

describe('schedules read as CronJob reads them', () => {
  it('takes five fields and the aliases, and refuses the rest naming the field', () => {
    expect(cron('@daily').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(cron('@weekly').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(cron('@annually').next(at('2026-11-29T10:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(parseCron('0 3 * *', 'UTC')).toEqual({
      invalid: expect.stringMatching(/^spec\.schedule: "0 3 \* \*" must be five fields/),
    });
    expect(parseCron('61 * * * *', 'UTC')).toEqual({
      invalid: expect.stringMatching(/^spec\.schedule: "61 \* \* \* \*" is not a valid schedule: /),
    });
    expect(parseCron('CRON_TZ=UTC 0 3 * * *', 'UTC')).toEqual({
      invalid: 'spec.schedule: TZ= and CRON_TZ= are not supported: use spec.timeZone',
    });
    expect(parseCron('@daily', 'Mars/Olympus')).toEqual({
      invalid: 'spec.timeZone: Mars/Olympus is not an IANA time zone (such as UTC or Europe/Berlin)',
    });
  });

  it('runs 30 2 * * * in Europe/Berlin once on both daylight-saving days', () => {
    const berlin = cron('30 2 * * *', 'Europe/Berlin');
    // 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist; the run comes an hour later (03:30 CEST).
    expect(berlin.next(at('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin.next(at('2026-03-29T01:30:00Z')).toISOString()).toBe('2026-03-30T00:30:00.000Z');
    // 25 October 2026: 02:30 happens twice; the run comes once, at the first (CEST).
    expect(berlin.next(at('2026-10-24T12:00:00Z')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(berlin.next(at('2026-10-25T00:30:00Z')).toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  it('honours month ends and leap days', () => {
    expect(cron('0 0 31 * *').next(at('2026-04-01T00:00:00Z')).toISOString()).toBe(
      '2026-05-31T00:00:00.000Z',
    );
    expect(cron('0 0 29 2 *').next(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('finds the latest missed time and counts the missed ones without an unbounded walk', () => {
    const everyMinute = cron('* * * * *');
    const since = at('2025-11-29T00:00:00Z');
    const now = at('2026-11-29T00:00:30Z');
    expect(everyMinute.latest(since, now)?.toISOString()).toBe('2026-11-29T00:00:00.000Z');
    // A year suspended with a run every minute: counted up to the limit, not walked.
    expect(everyMinute.countBetween(since, now)).toBe(100);
    expect(everyMinute.latest(now, at('2026-11-29T00:00:45Z'))).toBeUndefined();
  });
});
