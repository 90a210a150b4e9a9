import type { KubernetesObject } from '@kubernetes/client-node';
import type { scheduleSpecSchema, scheduleStatusSchema } from './schedule-schema.js';
import type { specSchema, statusSchema } from './schema.js';

/** The TypeScript type of a value described by a (subset of) OpenAPI schema, inferred at compile time. */
type Infer<S> = S extends { enum: readonly (infer E)[] }
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

export type DatasetExportJobSpec = Infer<typeof specSchema>;
export type DatasetExportJobStatus = Infer<typeof statusSchema>;
export type Condition = NonNullable<DatasetExportJobStatus['conditions']>[number];
export type IngestionMode = NonNullable<DatasetExportJobSpec['ingestionMode']>;

export interface DatasetExportJob extends KubernetesObject {
  spec: DatasetExportJobSpec;
  status?: DatasetExportJobStatus;
}

export type DatasetExportScheduleSpec = Infer<typeof scheduleSpecSchema>;
export type DatasetExportScheduleStatus = Infer<typeof scheduleStatusSchema>;

export interface DatasetExportSchedule extends KubernetesObject {
  spec: DatasetExportScheduleSpec;
  status?: DatasetExportScheduleStatus;
}
