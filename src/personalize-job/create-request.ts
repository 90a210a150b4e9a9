/**
 * The Create input of any job kind: the kind's own mapping of the spec, with spec.tags and the owner tags as
 * AWS tag pairs. The owner tags travel with the Create, so no job of the operator's ever exists without them.
 */
import { ownerTags } from '../api/ownership.js';
import type { JobKind } from './job-kind.js';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity } from './observation.js';

export function createRequest<S extends JobSpec, I>(
  kind: JobKind<S, I>,
  obj: JobResource<S>,
  identity: Identity,
): I {
  const tags = Object.entries({ ...obj.spec.tags, ...ownerTags(obj) }).map(([tagKey, tagValue]) => ({
    tagKey,
    tagValue,
  }));
  return kind.createInput(obj, identity, tags);
}
