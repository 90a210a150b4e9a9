/**
 * A secondary index over a controller's cache (client-go's indexers): objects by a value they carry, kept
 * current from the watch, so a lookup never scans the cache.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export class Indexer<T extends KubernetesObject> {
  private readonly byValue = new Map<string, Map<string, T>>();
  /** key → the value it is filed under. */
  private readonly filed = new Map<string, string>();

  /** `indexValue` names the value an object is found by; undefined leaves it out of the index. */
  constructor(private readonly indexValue: (obj: T) => string | undefined) {}

  /** Files the object (or, with undefined, takes the key out) after a change or delete. */
  update(key: string, obj: T | undefined): void {
    const before = this.filed.get(key);
    const after = obj ? this.indexValue(obj) : undefined;
    if (before !== undefined && before !== after) {
      const objects = this.byValue.get(before);
      objects?.delete(key);
      if (objects?.size === 0) this.byValue.delete(before);
    }
    if (after === undefined) {
      this.filed.delete(key);
      return;
    }
    this.filed.set(key, after);
    const objects = this.byValue.get(after) ?? new Map<string, T>();
    objects.set(key, obj as T);
    this.byValue.set(after, objects);
  }

  /** The objects filed under `value`. */
  get(value: string): T[] {
    return [...(this.byValue.get(value)?.values() ?? [])];
  }
}
