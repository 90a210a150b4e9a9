/**
 * DatasetExportJob objects as a user writes them, for code that creates or prints resources (import, the
 * CDKTF construct, the tests).
 */
import { manifestOf } from '../../api/spec-types.js';
import { KIND } from './schema.js';
import type { DatasetExportJobSpec } from './spec.js';

/** A DatasetExportJob object ready to create or apply. */
export const datasetExportJob = manifestOf<typeof KIND, DatasetExportJobSpec>(KIND);
