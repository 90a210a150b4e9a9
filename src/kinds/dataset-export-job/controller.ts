/**
 * The DatasetExportJob controller: the Personalize job lifecycle over the export job's description.
 */
import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
import { GROUP, VERSION } from '../../api/group.js';
import { setupJobController } from '../job-controller.js';
import type { KindContext } from '../kind.js';
import { exportJob } from './job.js';
import { KIND, PLURAL, SINGULAR } from './schema.js';
import type { DatasetExportJob } from './types.js';

export const setup = (context: KindContext) =>
  setupJobController<DatasetExportJob['spec'], CreateDatasetExportJobCommandInput, DatasetExportJob>(
    exportJob,
    { group: GROUP, version: VERSION, plural: PLURAL, kind: KIND, singular: SINGULAR },
    context,
  );
