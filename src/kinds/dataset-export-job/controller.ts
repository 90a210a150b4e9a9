/**
 * The DatasetExportJob controller: the Personalize job lifecycle over the export job's description.
 */
import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
import { GROUP, KIND, PLURAL, SINGULAR, VERSION } from '../../api/schema.js';
import type { DatasetExportJob } from '../../api/types.js';
import { setupJobController } from '../job-controller.js';
import type { KindContext } from '../kind.js';
import { exportJob } from './job.js';

export const setup = (context: KindContext) =>
  setupJobController<DatasetExportJob['spec'], CreateDatasetExportJobCommandInput, DatasetExportJob>(
    exportJob,
    { group: GROUP, version: VERSION, plural: PLURAL, kind: KIND, singular: SINGULAR },
    context,
  );
