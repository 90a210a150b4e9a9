/**
 * The DatasetImportJob kind: one resource, one Amazon Personalize dataset import job, on the same job lifecycle
 * as the export job.
 */
import { GROUP } from '../../api/group.js';
import type { Kind } from '../kind.js';
import { setup } from './controller.js';
import { datasetImportJobCrd } from './crd.js';
import { IMPORT_KIND, IMPORT_PLURAL } from './schema.js';

export const datasetImportJob: Kind = {
  kind: IMPORT_KIND,
  crd: datasetImportJobCrd,
  rules: [
    { apiGroups: [GROUP], resources: [IMPORT_PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: [`${IMPORT_PLURAL}/status`], verbs: ['patch'] },
  ],
  health: 'job/health.lua',
  setup,
};
