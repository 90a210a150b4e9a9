/**
 * The annotation keys every kind shares: on a resource, pause and re-read; on a Namespace, its AWS region and
 * role, and whether its resources may adopt jobs the operator did not create.
 */
import { GROUP } from './group.js';

/** Set to any new value (a timestamp, say) to have the job re-read from AWS now, even when it is finished. */
export const RECONCILE_REQUESTED_ANNOTATION = `${GROUP}/reconcile-requested-at`;
/** "true" stops all AWS calls for the resource (no Create, no polling) until it is removed or "false". */
export const PAUSED_ANNOTATION = `${GROUP}/paused`;
/** On a Namespace, "true" lets its resources adopt jobs the operator did not create (see --allow-adoption). */
export const ADOPTION_ANNOTATION = `${GROUP}/allow-adoption`;
/** On a Namespace: the region its resources' calls default to. */
export const REGION_ANNOTATION = `${GROUP}/region`;
/** On a Namespace: the IAM role its resources' calls are made with. */
export const ROLE_ANNOTATION = `${GROUP}/role-arn`;
