/** The DatasetImportJob CRD: the schema, and columns for `kubectl get dsij -w`. */
import { crdOf, jobPrinterColumns } from '../../api/crd.js';
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
    printerColumns: jobPrinterColumns('datasetImportJobArn', {
      syncReasons: 'Throttled, AccessDenied, DatasetBusy, SpecMismatch',
      columns: [
        { name: 'Mode', type: 'string', jsonPath: '.spec.importMode', description: 'FULL or INCREMENTAL' },
      ],
      wide: [{ name: 'Data', type: 'string', jsonPath: '.spec.dataSource.dataLocation', priority: 1 }],
    }),
    schema: importResourceSchema,
  });
}
