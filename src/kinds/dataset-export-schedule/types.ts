/**
 * The DatasetExportSchedule's types, inferred from its schema: the spec and status users' code writes and reads,
 * and the object as the operator reads it from the cluster.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Infer } from '../../api/spec-types.js';
import type { scheduleSpecSchema, scheduleStatusSchema } from './schema.js';

export type DatasetExportScheduleSpec = Infer<typeof scheduleSpecSchema>;
export type DatasetExportScheduleStatus = Infer<typeof scheduleStatusSchema>;

export interface DatasetExportSchedule extends KubernetesObject {
  spec: DatasetExportScheduleSpec;
  status?: DatasetExportScheduleStatus;
}
