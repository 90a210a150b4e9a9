/**
 * DatasetExportJob objects as a user writes them, for code that creates or prints resources (import, the
 * CDKTF construct, the tests).
 */

import { GROUP, VERSION } from '../../api/group.js';
import type { Manifest } from '../../api/spec-types.js';
import { KIND } from './schema.js';
import type { DatasetExportJobSpec } from './spec.js';

/** A DatasetExportJob object ready to create or apply. */
export function datasetExportJob(
  name: string,
  spec: DatasetExportJobSpec,
  metadata: {
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): Manifest<typeof KIND, DatasetExportJobSpec> {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, metadata: { name, ...metadata }, spec };
}
