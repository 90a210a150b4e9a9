/** The DatasetExportSchedule CRD: the schema, and CronJob's columns. */
import { crdOf } from '../../api/crd.js';
import {
  SCHEDULE_KIND,
  SCHEDULE_PLURAL,
  SCHEDULE_SHORT_NAMES,
  SCHEDULE_SINGULAR,
  scheduleResourceSchema,
} from './schema.js';

/** The DatasetExportSchedule CRD; its printer columns are CronJob's. */
export function datasetExportScheduleCrd() {
  return crdOf({
    kind: SCHEDULE_KIND,
    plural: SCHEDULE_PLURAL,
    singular: SCHEDULE_SINGULAR,
    shortNames: SCHEDULE_SHORT_NAMES,
    printerColumns: [
      { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      { name: 'Timezone', type: 'string', jsonPath: '.spec.timeZone' },
      { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend' },
      {
        name: 'Active',
        type: 'string',
        jsonPath: '.status.active[*].name',
        description: 'Runs in flight',
      },
      { name: 'Last Schedule', type: 'date', jsonPath: '.status.lastScheduleTime' },
      { name: 'Last Success', type: 'date', jsonPath: '.status.lastSuccessfulTime' },
      { name: 'Next', type: 'string', jsonPath: '.status.nextScheduleTime' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Last Failure', type: 'date', jsonPath: '.status.lastFailureTime', priority: 1 },
    ],
    schema: scheduleResourceSchema,
  });
}
