/**
 * DatasetImportJob objects as a user writes them, for code that creates or prints resources (import, the
 * constructs, the tests).
 */

import { GROUP, VERSION } from '../../api/group.js';
import type { Manifest } from '../../api/spec-types.js';
import { IMPORT_KIND } from './schema.js';
import type { DatasetImportJobSpec } from './spec.js';

/** A DatasetImportJob object ready to create or apply. */
export function datasetImportJob(
  name: string,
  spec: DatasetImportJobSpec,
  metadata: {
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): Manifest<typeof IMPORT_KIND, DatasetImportJobSpec> {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: IMPORT_KIND, metadata: { name, ...metadata }, spec };
}
