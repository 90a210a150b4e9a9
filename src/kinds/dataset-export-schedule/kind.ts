/**
 * The DatasetExportSchedule kind: recurring exports with CronJob semantics. Its runs are DatasetExportJobs, which
 * it creates and deletes (history limits) and owns (blockOwnerDeletion needs the finalizers right).
 */
import { GROUP } from '../../api/group.js';
import type { Kind } from '../kind.js';
import { RUN_PLURAL } from '../schedule-runs.js';
import { setup } from './controller.js';
import { datasetExportScheduleCrd } from './crd.js';
import { SCHEDULE_KIND, SCHEDULE_PLURAL } from './schema.js';

export const datasetExportSchedule: Kind = {
  kind: SCHEDULE_KIND,
  crd: datasetExportScheduleCrd,
  rules: [
    // Its runs: made at their time, deleted past the history limits.
    { apiGroups: [GROUP], resources: [RUN_PLURAL], verbs: ['create', 'delete'] },
    { apiGroups: [GROUP], resources: [SCHEDULE_PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: [`${SCHEDULE_PLURAL}/status`], verbs: ['patch'] },
    // Runs carry blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement plugin checks against this.
    { apiGroups: [GROUP], resources: [`${SCHEDULE_PLURAL}/finalizers`], verbs: ['update'] },
  ],
  health: 'DatasetExportSchedule/health.lua',
  // The runs' kind must be set up first: the schedule owns its objects (its setup checks).
  setup,
};
