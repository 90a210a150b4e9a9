/**
 * Where a resource's job lives in AWS (account, region, name, ARN, role), known before the job exists.
 */

import { createHash } from 'node:crypto';
import { AWS, anchored } from '../api/aws-constraints.js';
import type { JobKind } from './job-kind.js';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity } from './observation.js';

/** Settings that come from the resource's namespace (annotations) and the operator's flags. */
export interface Scope {
  namespaceRegion?: string;
  defaultRegion?: string;
  /** Role to assume for this namespace's calls (annotation personalize.ops.dev/role-arn). */
  roleArn?: string;
  /** The namespace lets its resources adopt jobs the operator did not create (annotation). */
  allowAdoption?: boolean;
  /** Why the namespace could not be read: its role is unknown, so nothing may be called. */
  unreadable?: string;
}

/** Each kind's parent pattern, compiled once (identities are made on every reconcile). */
const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  const known = patterns.get(pattern);
  if (known) return known;
  const re = new RegExp(anchored(pattern));
  patterns.set(pattern, re);
  return re;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;

/**
 * The job's identity. The account is its parent's (a job lives beside its dataset, so no STS call is
 * needed). The region, by precedence: spec.region, the parent ARN's region, the namespace annotation, the
 * operator's --region (itself defaulting to the SDK's AWS_REGION). spec.region must agree with the parent.
 */
export function identityOf<S extends JobSpec>(
  kind: JobKind<S>,
  obj: JobResource<S>,
  scope: Scope,
): Identity | { invalid: string } {
  const { parent } = kind;
  const parentArn = parent.arn(obj.spec);
  const match = compiled(parent.pattern).exec(parentArn);
  if (!match) {
    return { invalid: `spec.${parent.field} ${parentArn} is not a ${parent.noun} ARN (${parent.form})` };
  }
  const [, partition, arnRegion, account] = match as unknown as [string, string, string, string];
  const region = obj.spec.region ?? (arnRegion || scope.namespaceRegion || scope.defaultRegion);
  if (!region) {
    return {
      invalid:
        'no region: set spec.region, annotate the namespace with personalize.ops.dev/region, or start the operator with --region',
    };
  }
  if (arnRegion && region !== arnRegion) {
    return {
      invalid: `spec.region ${region} differs from the ${parent.noun}'s region ${arnRegion}: a job is created in its ${parent.noun}'s region`,
    };
  }
  if (scope.roleArn !== undefined && !ROLE_ARN.test(scope.roleArn)) {
    return {
      invalid: `the namespace annotation personalize.ops.dev/role-arn is not an IAM role ARN: ${scope.roleArn}`,
    };
  }
  const jobName =
    obj.spec.jobName ??
    obj.status?.jobName ??
    derivedJobName(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', obj.metadata?.uid ?? '');
  return {
    region,
    account,
    partition,
    jobName,
    arn: `arn:${partition}:personalize:${region}:${account}:${kind.arnResource}/${jobName}`,
    ...(scope.roleArn ? { roleArn: scope.roleArn } : {}),
  };
}

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
