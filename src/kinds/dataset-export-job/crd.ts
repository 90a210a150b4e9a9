/** The DatasetExportJob CRD: the schema, and columns for `kubectl get dsej -w`. */
import { crdOf, jobPrinterColumns } from '../../api/crd.js';
import { KIND, PLURAL, resourceSchema, SHORT_NAMES, SINGULAR } from './schema.js';

export function datasetExportJobCrd() {
  return crdOf({
    kind: KIND,
    plural: PLURAL,
    singular: SINGULAR,
    shortNames: SHORT_NAMES,
    printerColumns: jobPrinterColumns('datasetExportJobArn', {
      syncReasons: 'Throttled, AccessDenied, SpecMismatch',
    }),
    schema: resourceSchema,
  });
}
