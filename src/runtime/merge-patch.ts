/**
 * JSON merge patches that also remove what the new document drops.
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `next` as a JSON merge patch (RFC 7386) over `current`: members `current` has and `next` lacks become null,
 * at every depth, since a merge patch keeps whatever it does not name (a tag dropped from a map, say). Lists
 * are replaced whole, as merge patches do.
 */
export function replacingMergePatch(current: Json, next: Json): Json {
  const patch: Json = { ...next };
  for (const [key, value] of Object.entries(current)) {
    if (next[key] === undefined) patch[key] = null;
    else if (isObject(value) && isObject(next[key])) patch[key] = replacingMergePatch(value, next[key]);
  }
  return patch;
}
