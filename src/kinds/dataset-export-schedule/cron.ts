/**
 * A schedule read exactly: Kubernetes CronJob's five fields or one of its aliases, in an IANA time zone.
 * cron-parser does the calendar (month ends, leap days, daylight-saving shifts); this module adds CronJob's
 * rules around it and keeps every search bounded.
 */
import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';

/** CronJob's aliases, as robfig/cron (which CronJob uses) defines them. */
const ALIASES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The most runs counted as missed; past it the count says "more than". */
export const MISSED_COUNT_LIMIT = 100;

export interface Cron {
  /** The first scheduled time strictly after `after`. */
  next(after: Date): Date;
  /** The latest scheduled time at or before `now` and strictly after `since`, if any. */
  latest(since: Date, now: Date): Date | undefined;
  /** How many scheduled times fall strictly between `since` and `until` (at most MISSED_COUNT_LIMIT). */
  countBetween(since: Date, until: Date): number;
}

export function parseCron(schedule: string, timeZone: string): Cron | { invalid: string } {
  if (/(^|\s)(CRON_)?TZ=/.test(schedule))
    return { invalid: 'spec.schedule: TZ= and CRON_TZ= are not supported: use spec.timeZone' };
  if (!IANAZone.isValidZone(timeZone))
    return { invalid: `spec.timeZone: ${timeZone} is not an IANA time zone (such as UTC or Europe/Berlin)` };
  const expression = ALIASES[schedule.trim()] ?? schedule.trim();
  if (expression.split(/\s+/).length !== 5) {
    return {
      invalid: `spec.schedule: ${JSON.stringify(schedule)} must be five fields (minute hour day-of-month month day-of-week) or one of ${Object.keys(ALIASES).join(', ')}`,
    };
  }
  const at = (currentDate: Date) => CronExpressionParser.parse(expression, { currentDate, tz: timeZone });
  try {
    at(new Date()).next();
  } catch (err) {
    return {
      invalid: `spec.schedule: ${JSON.stringify(schedule)} is not a valid schedule: ${(err as Error).message}`,
    };
  }
  return {
    next: (after) => at(after).next().toDate(),
    latest: (since, now) => {
      const previous = at(new Date(now.getTime() + 1))
        .prev()
        .toDate();
      return previous.getTime() > since.getTime() ? previous : undefined;
    },
    countBetween: (since, until) => {
      const times = at(since);
      let count = 0;
      while (count < MISSED_COUNT_LIMIT && times.next().toDate().getTime() < until.getTime()) count++;
      return count;
    },
  };
}
