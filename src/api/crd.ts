/**
 * A CustomResourceDefinition in wire form, built from a kind's schema, names and printer columns, with the
 * status subresource. Each kind makes its own with it (`kinds/<kind>/crd.ts`).
 */
import { CATEGORIES, GROUP, VERSION } from './group.js';

export interface CrdDefinition<S> {
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  printerColumns: { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
  schema: S;
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
