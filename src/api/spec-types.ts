/**
 * How each kind's types are inferred from its schema (`Infer`), and what a manifest holds (`manifestOf`):
 * nothing here imports the operator's runtime, so a constructs-only consumer compiles without client-node's types.
 */
import { GROUP, VERSION } from './group.js';

/** The TypeScript type of a value described by a (subset of) OpenAPI schema, inferred at compile time. */
export type Infer<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'integer' | 'number' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'array'; items: infer I }
          ? Infer<I>[]
          : S extends { type: 'object'; properties: infer P }
            ? InferObject<P, S extends { required: readonly (infer R)[] } ? R : never>
            : S extends { type: 'object'; additionalProperties: infer A }
              ? Record<string, Infer<A>>
              : unknown;

type InferObject<P, R> = { [K in keyof P & R]: Infer<P[K]> } & {
  [K in Exclude<keyof P, R>]?: Infer<P[K]>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/** What a manifest of a kind holds before the API server fills in the rest (uid, resourceVersion, status). */
export interface Manifest<Kind extends string, Spec> {
  apiVersion: string;
  kind: Kind;
  metadata: { name: string } & ManifestMetadata;
  spec: Spec;
}

export interface ManifestMetadata {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A kind's manifest helper: `(name, spec, metadata)` to an object of `kind` ready to create or apply. */
export const manifestOf =
  <Kind extends string, Spec>(kind: Kind) =>
  (name: string, spec: Spec, metadata: ManifestMetadata = {}): Manifest<Kind, Spec> => ({
    apiVersion: `${GROUP}/${VERSION}`,
    kind,
    metadata: { name, ...metadata },
    spec,
  });
