// What a namespace's settings refuse before any AWS call: an unreadable namespace (its role cannot be known,
// so no call is made with the operator's own identity instead) or a missing role the operator requires.
import { ROLE_ANNOTATION } from '../api/schema.js';
import type { DatasetExportJob } from '../api/types.js';
import { type DecideSettings, problem, type Scope, type Update } from './decide.js';

export function scopeRefusal(
  obj: DatasetExportJob,
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
