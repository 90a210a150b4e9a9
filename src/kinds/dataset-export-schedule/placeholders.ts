/**
 * Date placeholders in a run's S3 path ({yyyy}, {MM}, {dd}, {HH}, {mm}), read at the scheduled time in the
 * schedule's time zone, so runs land in Athena-style partitions such as dt=2026-11-29/.
 */
import { DateTime } from 'luxon';
import { PATH_PLACEHOLDERS } from './schema.js';

const FIELD = 'spec.jobTemplate.spec.jobOutput.s3DataDestination.path';

/** The placeholders the path uses that are not known; empty when all are. */
export function unknownPlaceholders(path: string): string[] {
  return (path.match(/\{[^}]*\}/g) ?? []).filter(
    (p) => !(PATH_PLACEHOLDERS as readonly string[]).includes(p),
  );
}

export function placeholderProblem(path: string): string | undefined {
  const unknown = unknownPlaceholders(path);
  return unknown.length
    ? `${FIELD}: unknown placeholder ${unknown.join(', ')} (the placeholders are ${PATH_PLACEHOLDERS.join(', ')})`
    : undefined;
}

/** The path with every placeholder replaced by the scheduled time's field, in `timeZone`. */
export function evaluatePath(path: string, at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return path.replace(/\{(yyyy|MM|dd|HH|mm)\}/g, (_match, token: string) => local.toFormat(token));
}
