/**
 * How a resource is named in the work queue, logs and messages.
 */
import type { DatasetExportJob } from './types.js';

/** The key a resource goes by in the work queue, logs and messages: namespace/name. */
export const resourceKey = (obj: DatasetExportJob): string =>
  `${obj.metadata?.namespace}/${obj.metadata?.name}`;
