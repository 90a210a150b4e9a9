/**
 * TagResource, UntagResource and ListTagsForResource, with AWS's tagging rules.
 */
import { AWS } from '../api/aws-constraints.js';
import type { Operation, OperationContext } from './context.js';
import { ApiError, invalidInput, notFound } from './errors.js';
import type { Tag } from './model.js';
import { ARN, TAG_KEY, TAGS, validateInput } from './shapes.js';

/**
 * The rules AWS adds to the Tag shape for every taggable resource (the tagging guide): at most 50 per resource,
 * none under the reserved `aws:` prefix. The shape itself (lengths, pattern) is checked with the input.
 */
export function checkTags(input: unknown): Tag[] {
  const tags = (input as Tag[] | undefined) ?? [];
  if (tags.length > AWS.maxTagsPerResource) {
    throw new ApiError(
      'TooManyTagsException',
      `tags: ${tags.length} tags exceed the limit of ${AWS.maxTagsPerResource} per resource`,
    );
  }
  const reserved = tags.find((t) => t.tagKey.toLowerCase().startsWith(AWS.reservedTagPrefix));
  if (reserved) throw invalidInput(`tags: the tag key ${reserved.tagKey} uses the reserved prefix aws:`);
  return tags;
}

/** The taggable resources the emulator has: dataset groups, datasets, export and import jobs. */
function taggable(ctx: OperationContext, resourceArn: string): { tags?: Tag[] } {
  const resource =
    ctx.state.exportJobs[resourceArn] ??
    ctx.state.importJobs?.[resourceArn] ??
    ctx.state.datasets[resourceArn] ??
    ctx.state.datasetGroups[resourceArn];
  if (!resource) throw notFound(`Resource Arn ${resourceArn} does not exist.`);
  return resource;
}

export const listTagsForResource: Operation = (ctx, input) => {
  validateInput({ resourceArn: ARN }, ['resourceArn'], input);
  return { tags: taggable(ctx, input.resourceArn as string).tags ?? [] };
};

/** Adds tags and overwrites the values of keys already there; the per-resource limit counts the result. */
export const tagResource: Operation = async (ctx, input) => {
  validateInput({ resourceArn: ARN, tags: TAGS }, ['resourceArn', 'tags'], input);
  const resource = taggable(ctx, input.resourceArn as string);
  const added = checkTags(input.tags);
  const merged = new Map((resource.tags ?? []).map((t) => [t.tagKey, t.tagValue]));
  for (const { tagKey, tagValue } of added) merged.set(tagKey, tagValue);
  resource.tags = checkTags([...merged].map(([tagKey, tagValue]) => ({ tagKey, tagValue })));
  await ctx.store.persist();
  return {};
};

/** Removes the named keys; keys the resource does not have are ignored. */
export const untagResource: Operation = async (ctx, input) => {
  const keys = input.tagKeys;
  if (Array.isArray(keys) && keys.length > AWS.maxTagsPerResource) {
    throw new ApiError(
      'TooManyTagKeysException',
      `tagKeys: ${keys.length} keys exceed the limit of ${AWS.maxTagsPerResource} per request`,
    );
  }
  validateInput(
    { resourceArn: ARN, tagKeys: { kind: 'list', member: TAG_KEY } },
    ['resourceArn', 'tagKeys'],
    input,
  );
  const resource = taggable(ctx, input.resourceArn as string);
  const removed = new Set(keys as string[]);
  resource.tags = (resource.tags ?? []).filter((t) => !removed.has(t.tagKey));
  await ctx.store.persist();
  return {};
};
