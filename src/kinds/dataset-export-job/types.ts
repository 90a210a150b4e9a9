/**
 * The DatasetExportJob as the operator reads it from the cluster: its spec and status (spec.ts) on client-node's object.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DatasetExportJobSpec, DatasetExportJobStatus } from './spec.js';

export type * from './spec.js';

export interface DatasetExportJob extends KubernetesObject {
  spec: DatasetExportJobSpec;
  status?: DatasetExportJobStatus;
}
