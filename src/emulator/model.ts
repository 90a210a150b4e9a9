/** What the emulator stores, per region. Times are epoch milliseconds; the wire shows epoch seconds. */
export type RecordOrigin = 'BULK' | 'PUT';

export interface Tag {
  tagKey: string;
  tagValue: string;
}

export interface DatasetGroup {
  name: string;
  datasetGroupArn: string;
  status: string;
  domain?: string;
  roleArn?: string;
  kmsKeyArn?: string;
  tags?: Tag[];
  creationDateTime: number;
  lastUpdatedDateTime: number;
}

export interface Schema {
  name: string;
  schemaArn: string;
  schema: string;
  fields: string[];
  domain?: string;
  creationDateTime: number;
  lastUpdatedDateTime: number;
}

export interface DatasetRecord {
  origin: RecordOrigin;
  /** Values in the order of the schema's fields. */
  values: string[];
}

export interface Dataset {
  seq: number;
  name: string;
  datasetArn: string;
  datasetGroupArn: string;
  datasetType: string;
  schemaArn: string;
  status: string;
  tags?: Tag[];
  creationDateTime: number;
  lastUpdatedDateTime: number;
  records: DatasetRecord[];
  /** Whether a dataset import job has ever loaded it: until then only FULL imports are accepted. */
  bulkImported?: boolean;
}

/** What every kind of job holds: a name, its dataset, a status that moves, tags. */
interface JobRecord {
  /** Creation order, the stable cursor behind list pagination. */
  seq: number;
  jobName: string;
  datasetArn: string;
  tags?: Tag[];
  status: string;
  failureReason?: string;
  creationDateTime: number;
  lastUpdatedDateTime: number;
  /** Every status the job had and when it began (epoch ms), for measuring how fast callers notice. */
  history?: { status: string; at: number }[];
}

export interface ExportJob extends JobRecord {
  datasetExportJobArn: string;
  ingestionMode: string;
  roleArn: string;
  jobOutput: { s3DataDestination: { path: string; kmsKeyArn?: string } };
}

export interface ImportJob extends JobRecord {
  datasetImportJobArn: string;
  dataSource: { dataLocation: string };
  roleArn?: string;
  importMode: string;
  publishAttributionMetricsToS3?: boolean;
}

export interface RegionState {
  datasetGroups: Record<string, DatasetGroup>;
  schemas: Record<string, Schema>;
  datasets: Record<string, Dataset>;
  exportJobs: Record<string, ExportJob>;
  /** Absent in state saved before import jobs existed. */
  importJobs?: Record<string, ImportJob>;
}

export const PENDING = 'CREATE PENDING';
export const IN_PROGRESS = 'CREATE IN_PROGRESS';
export const ACTIVE = 'ACTIVE';
export const FAILED = 'CREATE FAILED';
export const isTerminal = (status: string) => status === ACTIVE || status === FAILED;

export const emptyRegion = (): RegionState => ({
  datasetGroups: {},
  schemas: {},
  datasets: {},
  exportJobs: {},
  importJobs: {},
});

/** A resource that moves through states by itself, by what it is (each kind has its own durations). */
export type Moving =
  | { kind: 'datasetGroup'; resource: DatasetGroup }
  | { kind: 'dataset'; resource: Dataset }
  | { kind: 'exportJob'; resource: ExportJob }
  | { kind: 'importJob'; resource: ImportJob };
