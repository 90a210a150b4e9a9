/** The DatasetImportJob CRD: the schema, and columns for `kubectl get dsij -w`. */
import { crdOf } from '../../api/crd.js';
import {
  IMPORT_KIND,
  IMPORT_PLURAL,
  IMPORT_SHORT_NAMES,
  IMPORT_SINGULAR,
  importResourceSchema,
} from './schema.js';

export function datasetImportJobCrd() {
  return crdOf({
    kind: IMPORT_KIND,
    plural: IMPORT_PLURAL,
    singular: IMPORT_SINGULAR,
    shortNames: IMPORT_SHORT_NAMES,
    printerColumns: [
      { name: 'Status', type: 'string', jsonPath: '.status.status', description: "AWS's job status" },
      {
        name: 'Sync',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Synced")].reason',
        description:
          'How the last reconcile ended: Synced, Creating, Paused, or what stopped it (Throttled, AccessDenied, DatasetBusy, SpecMismatch, …)',
      },
      { name: 'Mode', type: 'string', jsonPath: '.spec.importMode', description: 'FULL or INCREMENTAL' },
      {
        name: 'Job Name',
        type: 'string',
        jsonPath: '.status.jobName',
        description: 'Name of the job in AWS',
      },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      {
        name: 'Updated',
        type: 'date',
        jsonPath: '.status.lastUpdatedDateTime',
        description: 'Time since AWS last changed the status',
      },
      { name: 'Dataset', type: 'string', jsonPath: '.spec.datasetArn', priority: 1 },
      { name: 'Data', type: 'string', jsonPath: '.spec.dataSource.dataLocation', priority: 1 },
      { name: 'ARN', type: 'string', jsonPath: '.status.datasetImportJobArn', priority: 1 },
      { name: 'Failure Reason', type: 'string', jsonPath: '.status.failureReason', priority: 1 },
    ],
    schema: importResourceSchema,
  });
}
