/** The DatasetExportJob CRD: the schema, and columns for `kubectl get dsej -w`. */
import { crdOf } from '../../api/crd.js';
import { KIND, PLURAL, resourceSchema, SHORT_NAMES, SINGULAR } from './schema.js';

export function datasetExportJobCrd() {
  return crdOf({
    kind: KIND,
    plural: PLURAL,
    singular: SINGULAR,
    shortNames: SHORT_NAMES,
    printerColumns: [
      { name: 'Status', type: 'string', jsonPath: '.status.status', description: "AWS's job status" },
      {
        name: 'Sync',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Synced")].reason',
        description:
          'How the last reconcile ended: Synced, Creating, Paused, or what stopped it (Throttled, AccessDenied, SpecMismatch, …)',
      },
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
      { name: 'ARN', type: 'string', jsonPath: '.status.datasetExportJobArn', priority: 1 },
      { name: 'Failure Reason', type: 'string', jsonPath: '.status.failureReason', priority: 1 },
    ],
    schema: resourceSchema,
  });
}
