/**
 * The DatasetExportJob kind: one resource, one Amazon Personalize dataset export job. (Its controller is imported
 * statically: a dynamic import() of it measured ~2 MB more resident memory at rest.)
 */

import { GROUP } from '../../api/group.js';
import type { Kind } from '../kind.js';
import { setup } from './controller.js';
import { datasetExportJobCrd } from './crd.js';
import { KIND, PLURAL } from './schema.js';

export const datasetExportJob: Kind = {
  kind: KIND,
  crd: datasetExportJobCrd,
  rules: [
    { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['patch'] },
  ],
  health: 'job/health.lua',
  setup,
};
