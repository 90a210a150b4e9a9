/**
 * A CustomResourceDefinition in wire form, built from a kind's schema, names and printer columns, with the
 * status subresource. Each kind makes its own with it (`kinds/<kind>/crd.ts`).
 */
import { CATEGORIES, GROUP, VERSION } from './group.js';

/** A column of `kubectl get`; priority 1 shows only with `-o wide`. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdDefinition<S> {
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  printerColumns: PrinterColumn[];
  schema: S;
}

/**
 * The columns every job kind shows, for `kubectl get -w`: AWS's status, how the last reconcile ended (`syncReasons`
 * names the kind's usual stops), its own columns after those, then the job name, ages, and with `-o wide` the
 * dataset, its own wide columns, the job's ARN and the failure reason.
 */
export function jobPrinterColumns(
  arnField: string,
  own: { syncReasons: string; columns?: PrinterColumn[]; wide?: PrinterColumn[] },
): PrinterColumn[] {
  return [
    { name: 'Status', type: 'string', jsonPath: '.status.status', description: "AWS's job status" },
    {
      name: 'Sync',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Synced")].reason',
      description: `How the last reconcile ended: Synced, Creating, Paused, or what stopped it (${own.syncReasons}, …)`,
    },
    ...(own.columns ?? []),
    { name: 'Job Name', type: 'string', jsonPath: '.status.jobName', description: 'Name of the job in AWS' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    {
      name: 'Updated',
      type: 'date',
      jsonPath: '.status.lastUpdatedDateTime',
      description: 'Time since AWS last changed the status',
    },
    { name: 'Dataset', type: 'string', jsonPath: '.spec.datasetArn', priority: 1 },
    ...(own.wide ?? []),
    { name: 'ARN', type: 'string', jsonPath: `.status.${arnField}`, priority: 1 },
    { name: 'Failure Reason', type: 'string', jsonPath: '.status.failureReason', priority: 1 },
  ];
}

/** A CustomResourceDefinition in wire form (apply it as JSON/YAML, not through client-node's typed models). */
export function crdOf<S>(definition: CrdDefinition<S>) {
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

export type Crd = ReturnType<typeof crdOf>;
