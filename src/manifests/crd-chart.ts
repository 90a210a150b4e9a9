/**
 * The cdk8s chart of the CRDs.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { crds } from '../kinds/index.js';

/** The CRDs, emitted in wire form from the API definition (the typed k8s classes would drop CEL rules). */
export class CrdChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const crd of crds()) {
      new ApiObject(this, crd.metadata.name, {
        apiVersion: crd.apiVersion,
        kind: crd.kind,
        metadata: crd.metadata,
        spec: crd.spec,
      });
    }
  }
}
