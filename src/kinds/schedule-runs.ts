/**
 * What the DatasetExportSchedule uses of the kind of its runs, and nothing more: the kind and plural, the spec's
 * schema (each run's template), and the spec's and status's types. The schedule's folder reads its run kind only
 * through this module, so no kind's folder imports another's, and the coupling is one file: a schedule of another
 * job kind (imports, say) would be given another such module.
 */
export {
  KIND as RUN_KIND,
  PLURAL as RUN_PLURAL,
  specSchema as runSpecSchema,
} from './dataset-export-job/schema.js';
export type {
  DatasetExportJobSpec as RunSpec,
  DatasetExportJobStatus as RunStatus,
} from './dataset-export-job/spec.js';
