/**
 * DatasetImportJob objects as a user writes them, for code that creates or prints resources (import, the
 * constructs, the tests).
 */
import { manifestOf } from '../../api/spec-types.js';
import { IMPORT_KIND } from './schema.js';
import type { DatasetImportJobSpec } from './spec.js';

/** A DatasetImportJob object ready to create or apply. */
export const datasetImportJob = manifestOf<typeof IMPORT_KIND, DatasetImportJobSpec>(IMPORT_KIND);
