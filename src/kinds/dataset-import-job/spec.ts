/**
 * The DatasetImportJob's spec and status types, inferred from its schema: what users' code (the cdk8s and CDKTF
 * constructs) writes and reads. Nothing here imports client-node, so a constructs-only consumer compiles without it.
 */
import type { Infer } from '../../api/spec-types.js';
import type { importSpecSchema, importStatusSchema } from './schema.js';

export type DatasetImportJobSpec = Infer<typeof importSpecSchema>;
export type DatasetImportJobStatus = Infer<typeof importStatusSchema>;
export type ImportMode = NonNullable<DatasetImportJobSpec['importMode']>;
