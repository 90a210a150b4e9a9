/**
 * Signed page tokens, bound to the operation and filter, that expire as AWS's do.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidNextToken } from './errors.js';

/** How long a token stays valid; AWS documents no lifetime, so this mirrors common AWS practice (24 h). */
const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface TokenBody {
  /** The listing the token belongs to (operation and filter): a token is only valid for the same query. */
  q: string;
  /** Cursor: the sequence number of the last item returned. */
  c: number;
  /** Issue time, epoch ms. */
  t: number;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export function issueToken(secret: string, query: string, cursor: number, now: number): string {
  const body = Buffer.from(JSON.stringify({ q: query, c: cursor, t: now } satisfies TokenBody)).toString(
    'base64url',
  );
  return `${body}.${sign(secret, body)}`;
}

/** The cursor a token carries; a forged, altered, expired or foreign token is InvalidNextTokenException. */
export function readToken(secret: string, query: string, token: string, now: number): number {
  const [body, mac] = token.split('.');
  const expected = body ? sign(secret, body) : '';
  if (
    !body ||
    !mac ||
    mac.length !== expected.length ||
    !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
  ) {
    throw invalidNextToken('nextToken: the token is not valid');
  }
  const parsed = JSON.parse(Buffer.from(body, 'base64url').toString()) as TokenBody;
  if (parsed.q !== query) throw invalidNextToken('nextToken: the token belongs to a different request');
  if (now - parsed.t > TOKEN_LIFETIME_MS) throw invalidNextToken('nextToken: the token has expired');
  return parsed.c;
}

/**
 * One page of `items` (newest first, by descending sequence number) after the token's cursor. Because the
 * cursor is a position in creation order, items created between calls never shift a page: each item is
 * returned exactly once.
 */
export function page<T extends { seq: number }>(
  items: T[],
  options: { secret: string; query: string; nextToken?: string; maxResults?: number; now: number },
): { items: T[]; nextToken?: string } {
  const after = options.nextToken
    ? readToken(options.secret, options.query, options.nextToken, options.now)
    : Number.POSITIVE_INFINITY;
  const limit = options.maxResults ?? 100;
  const sorted = items.filter((i) => i.seq < after).sort((a, b) => b.seq - a.seq);
  const slice = sorted.slice(0, limit);
  const last = slice[slice.length - 1];
  return sorted.length > limit && last
    ? { items: slice, nextToken: issueToken(options.secret, options.query, last.seq, options.now) }
    : { items: slice };
}
