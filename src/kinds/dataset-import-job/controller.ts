/**
 * The DatasetImportJob controller: the Personalize job lifecycle over the import job's description.
 */
import type { CreateDatasetImportJobCommandInput } from '@aws-sdk/client-personalize';
import { GROUP, VERSION } from '../../api/group.js';
import { setupJobController } from '../job-controller.js';
import type { KindContext } from '../kind.js';
import { importJob } from './job.js';
import { IMPORT_KIND, IMPORT_PLURAL, IMPORT_SINGULAR } from './schema.js';
import type { DatasetImportJob } from './types.js';

export const setup = (context: KindContext) =>
  setupJobController<DatasetImportJob['spec'], CreateDatasetImportJobCommandInput, DatasetImportJob>(
    importJob,
    { group: GROUP, version: VERSION, plural: IMPORT_PLURAL, kind: IMPORT_KIND, singular: IMPORT_SINGULAR },
    context,
  );
