/**
 * A namespace's AWS settings, and what they refuse before any AWS call: an unreadable namespace (its role
 * cannot be known, so no call is made with the operator's own identity instead) or a role the operator requires.
 */
import { ADOPTION_ANNOTATION, REGION_ANNOTATION, ROLE_ANNOTATION } from '../api/annotations.js';
import type { NamespaceAnnotations } from '../runtime/namespace-annotations.js';
import type { DecideSettings, Update } from './decision.js';
import type { Scope } from './identity.js';
import type { JobResource } from './job-resource.js';
import { problem } from './problems.js';

export function scopeRefusal(
  obj: JobResource,
  scope: Omit<Scope, 'defaultRegion'>,
  requireNamespaceRole: boolean,
  settings: Pick<DecideSettings, 'now' | 'actionableRetryMs'>,
): Update | undefined {
  const { now } = settings;
  const namespace = obj.metadata?.namespace ?? '';
  if (scope.unreadable !== undefined) {
    return problem(
      obj,
      {},
      'NamespaceUnreadable',
      `Cannot read the namespace ${namespace} to learn its AWS role (${ROLE_ANNOTATION}): ${scope.unreadable}. No AWS call is made until it can be read; grant the operator get on namespaces.`,
      { kind: 'backoff' },
      now,
    );
  }
  if (requireNamespaceRole && scope.roleArn === undefined) {
    return problem(
      obj,
      {},
      'NoNamespaceRole',
      `The operator requires every namespace to name the IAM role its resources use (--require-namespace-role), and the namespace ${namespace} has no ${ROLE_ANNOTATION} annotation. An administrator sets it on the Namespace; nothing is done until then.`,
      { kind: 'after', ms: settings.actionableRetryMs },
      now,
    );
  }
  return undefined;
}

/** The namespace's AWS settings from its annotations; an unreadable namespace is carried as such (fails closed). */
export function scopeOf(read: NamespaceAnnotations): Omit<Scope, 'defaultRegion'> {
  if ('unreadable' in read) return { unreadable: read.unreadable };
  const { annotations } = read;
  return {
    ...(annotations[REGION_ANNOTATION] ? { namespaceRegion: annotations[REGION_ANNOTATION] } : {}),
    ...(annotations[ROLE_ANNOTATION] !== undefined ? { roleArn: annotations[ROLE_ANNOTATION] } : {}),
    ...(annotations[ADOPTION_ANNOTATION] === 'true' ? { allowAdoption: true } : {}),
  };
}
