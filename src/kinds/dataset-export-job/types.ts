/**
 * The DatasetExportJob's types, inferred from its schema: the spec and status users' code writes and reads,
 * and the object as the operator reads it from the cluster.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Infer } from '../../api/spec-types.js';
import type { specSchema, statusSchema } from './schema.js';

export type DatasetExportJobSpec = Infer<typeof specSchema>;
export type DatasetExportJobStatus = Infer<typeof statusSchema>;
export type IngestionMode = NonNullable<DatasetExportJobSpec['ingestionMode']>;

export interface DatasetExportJob extends KubernetesObject {
  spec: DatasetExportJobSpec;
  status?: DatasetExportJobStatus;
}
