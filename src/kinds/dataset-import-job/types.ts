/**
 * The DatasetImportJob's types, inferred from its schema: the spec and status users' code writes and reads,
 * and the object as the operator reads it from the cluster.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Infer } from '../../api/spec-types.js';
import type { importSpecSchema, importStatusSchema } from './schema.js';

export type DatasetImportJobSpec = Infer<typeof importSpecSchema>;
export type DatasetImportJobStatus = Infer<typeof importStatusSchema>;
export type ImportMode = NonNullable<DatasetImportJobSpec['importMode']>;

export interface DatasetImportJob extends KubernetesObject {
  spec: DatasetImportJobSpec;
  status?: DatasetImportJobStatus;
}
