import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { datasetExportJobCrd } from '../api/crd.js';

/** The CRD, emitted in wire form from the API definition (the typed k8s classes would drop CEL rules). */
export class CrdChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const crd = datasetExportJobCrd();
    new ApiObject(this, 'crd', {
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: crd.metadata,
      spec: crd.spec,
    });
  }
}
