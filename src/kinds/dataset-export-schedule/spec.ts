/**
 * The DatasetExportSchedule's spec and status types, inferred from its schema: what users' code (the cdk8s and CDKTF
 * constructs) writes and reads. Nothing here imports client-node, so a constructs-only consumer compiles without it.
 */
import type { Infer } from '../../api/spec-types.js';
import type { scheduleSpecSchema, scheduleStatusSchema } from './schema.js';

export type DatasetExportScheduleSpec = Infer<typeof scheduleSpecSchema>;
export type DatasetExportScheduleStatus = Infer<typeof scheduleStatusSchema>;
