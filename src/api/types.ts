/** The API's kinds as the operator reads them from the cluster: the users' types on client-node's object. */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DatasetExportJobSpec, DatasetExportJobStatus } from './spec-types.js';

export type * from './spec-types.js';

export interface DatasetExportJob extends KubernetesObject {
  spec: DatasetExportJobSpec;
  status?: DatasetExportJobStatus;
}
