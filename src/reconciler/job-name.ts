import { createHash } from 'node:crypto';
import { AWS } from '../api/aws-constraints.js';

/**
 * The AWS job name for a resource without spec.jobName: `<namespace>-<name>` made to fit AWS's pattern, plus
 * a hash of the resource's UID. Deterministic for the resource (so a restart finds the same job), unique per
 * account and region, and different for a re-created resource of the same name (AWS names are never reusable).
 */
export function derivedJobName(namespace: string, name: string, uid: string): string {
  const suffix = createHash('sha256').update(uid).digest('hex').slice(0, 10);
  const room = AWS.name.maxLength - suffix.length - 1;
  const base = `${namespace}-${name}`
    .replace(/[^a-zA-Z0-9\-_]/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, room)
    .replace(/-+$/, '');
  return base ? `${base}-${suffix}` : `job-${suffix}`;
}
