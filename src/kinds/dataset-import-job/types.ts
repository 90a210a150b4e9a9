/**
 * The DatasetImportJob as the operator reads it from the cluster: its spec and status (spec.ts) on client-node's object.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DatasetImportJobSpec, DatasetImportJobStatus } from './spec.js';

export type * from './spec.js';

export interface DatasetImportJob extends KubernetesObject {
  spec: DatasetImportJobSpec;
  status?: DatasetImportJobStatus;
}
