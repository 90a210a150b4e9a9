/**
 * The shared part of every List operation: filter, paging and tokens.
 */
import type { OperationContext } from './context.js';
import { page } from './pagination.js';
import { ARN, MAX_RESULTS, NEXT_TOKEN, validateInput } from './shapes.js';

/**
 * A List operation's common part: validates the optional ARN filter and the paging members, and returns the
 * page of what `select` picks for the filter. Tokens are bound to the operation, region and filter.
 */
export function listPage<T extends { seq: number }>(
  ctx: OperationContext,
  operation: string,
  filterMember: string,
  input: Record<string, unknown>,
  select: (filter: string | undefined) => T[],
): { items: T[]; nextToken?: string } {
  validateInput({ [filterMember]: ARN, nextToken: NEXT_TOKEN, maxResults: MAX_RESULTS }, [], input);
  const filter = input[filterMember] as string | undefined;
  return page(select(filter), {
    secret: ctx.store.tokenSecret,
    query: `${operation}|${ctx.region}|${filter ?? ''}`,
    nextToken: input.nextToken as string | undefined,
    maxResults: input.maxResults as number | undefined,
    now: ctx.now(),
  });
}
