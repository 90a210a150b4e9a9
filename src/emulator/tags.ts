import { AWS } from '../api/aws-constraints.js';
import type { Operation } from './context.js';
import { ApiError, invalidInput, notFound } from './errors.js';
import type { Tag } from './model.js';
import { ARN, validateInput } from './shapes.js';

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

/** ListTagsForResource for the taggable resources the emulator has: dataset groups, datasets, export jobs. */
export const listTagsForResource: Operation = (ctx, input) => {
  validateInput({ resourceArn: ARN }, ['resourceArn'], input);
  const resourceArn = input.resourceArn as string;
  const resource =
    ctx.state.exportJobs[resourceArn] ??
    ctx.state.datasets[resourceArn] ??
    ctx.state.datasetGroups[resourceArn];
  if (!resource) throw notFound(`Resource Arn ${resourceArn} does not exist.`);
  return { tags: resource.tags ?? [] };
};
