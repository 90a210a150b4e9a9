/**
 * The DatasetExportJob's spec and status types, inferred from its schema: what users' code (the cdk8s and CDKTF
 * constructs) writes and reads. Nothing here imports client-node, so a constructs-only consumer compiles without it.
 */
import type { Infer } from '../../api/spec-types.js';
import type { specSchema, statusSchema } from './schema.js';

export type DatasetExportJobSpec = Infer<typeof specSchema>;
export type DatasetExportJobStatus = Infer<typeof statusSchema>;
export type IngestionMode = NonNullable<DatasetExportJobSpec['ingestionMode']>;
