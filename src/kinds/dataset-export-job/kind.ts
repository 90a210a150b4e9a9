/**
 * The DatasetExportJob kind: one resource, one Amazon Personalize dataset export job. Its controller (and with
 * it the AWS SDK) is loaded when the operator sets it up, not by what only needs its CRD or rules.
 */
import { GROUP, KIND, PLURAL } from '../../api/schema.js';
import type { Kind } from '../kind.js';
import { datasetExportJobCrd } from './crd.js';

export const datasetExportJob: Kind = {
  kind: KIND,
  crd: datasetExportJobCrd,
  rules: [
    { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['patch'] },
  ],
  setup: async (context) => (await import('./controller.js')).setup(context),
};
