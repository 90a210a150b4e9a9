/**
 * The DatasetExportSchedule as the operator reads it from the cluster: its spec and status (spec.ts) on client-node's object.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DatasetExportScheduleSpec, DatasetExportScheduleStatus } from './spec.js';

export type * from './spec.js';

export interface DatasetExportSchedule extends KubernetesObject {
  spec: DatasetExportScheduleSpec;
  status?: DatasetExportScheduleStatus;
}
