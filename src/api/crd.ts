/**
 * The CustomResourceDefinitions in wire form, built from the kinds' schemas: names, printer columns, the
 * status subresource. Everything that installs the API (crds/, deploy/, the chart, dev, the tests) starts here.
 */
import {
  SCHEDULE_KIND,
  SCHEDULE_PLURAL,
  SCHEDULE_SHORT_NAMES,
  SCHEDULE_SINGULAR,
  scheduleResourceSchema,
} from '../kinds/dataset-export-schedule/schema.js';
import { CATEGORIES, GROUP, KIND, PLURAL, resourceSchema, SHORT_NAMES, SINGULAR, VERSION } from './schema.js';

export const CRD_NAME = `${PLURAL}.${GROUP}`;
export const SCHEDULE_CRD_NAME = `${SCHEDULE_PLURAL}.${GROUP}`;

interface CrdDefinition<S> {
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  printerColumns: { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
  schema: S;
}

/** A CustomResourceDefinition in wire form (apply it as JSON/YAML, not through client-node's typed models). */
function crdOf<S>(definition: CrdDefinition<S>) {
  const { kind, plural, singular, shortNames, printerColumns, schema } = definition;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular,
        shortNames: [...shortNames],
        categories: [...CATEGORIES],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

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

/** Every CRD of the API. */
export const crds = () => [datasetExportJobCrd(), datasetExportScheduleCrd()];
