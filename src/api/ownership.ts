/**
 * The AWS tags that record which resource a job belongs to: written with every Create, read before a job
 * is adopted, never removed by tag sync. They keep tenants apart where AWS itself cannot tell them apart.
 */
import { GROUP } from './group.js';

/** Tag keys under this prefix are the operator's; spec.tags may not use it. */
export const OWNER_TAG_PREFIX = `${GROUP}/`;
export const OWNER_TAGS = {
  namespace: `${OWNER_TAG_PREFIX}owner-namespace`,
  name: `${OWNER_TAG_PREFIX}owner-name`,
  uid: `${OWNER_TAG_PREFIX}owner-uid`,
} as const;
/** How many of AWS's 50 tags per resource the operator keeps for itself. */
export const OWNER_TAG_COUNT = Object.keys(OWNER_TAGS).length;

export interface Owner {
  namespace: string;
  name: string;
  uid: string;
}

/** The tags that name `obj` as the owner of its job: any kind's object, by its metadata alone. */
export function ownerTags(obj: {
  metadata?: { namespace?: string; name?: string; uid?: string };
}): Record<string, string> {
  return {
    [OWNER_TAGS.namespace]: obj.metadata?.namespace ?? '',
    [OWNER_TAGS.name]: obj.metadata?.name ?? '',
    [OWNER_TAGS.uid]: obj.metadata?.uid ?? '',
  };
}

/** The owner a job's tags record; undefined for a job the operator did not create (or an older version did). */
export function ownerOf(tags: Record<string, string>): Owner | undefined {
  const namespace = tags[OWNER_TAGS.namespace];
  if (namespace === undefined) return undefined;
  return { namespace, name: tags[OWNER_TAGS.name] ?? '', uid: tags[OWNER_TAGS.uid] ?? '' };
}

export const isOwnerTag = (key: string): boolean => key.toLowerCase().startsWith(OWNER_TAG_PREFIX);
