/**
 * The records a dataset holds, loaded from CSV as imports and Put calls would add them, and replaced or upserted
 * by dataset import jobs (FULL, INCREMENTAL).
 */
import { parseCsv } from './csv.js';
import { datasetTypeOf } from './datasets.js';
import { invalidInput, notFound } from './errors.js';
import type { Dataset, DatasetRecord, RecordOrigin, RegionState } from './model.js';

export const RECORD_ORIGINS: readonly RecordOrigin[] = ['BULK', 'PUT'];

/** The field that identifies a record of items or users datasets; interactions have none. */
export const idFieldOf = (dataset: Dataset): string | undefined =>
  ({ ITEMS: 'ITEM_ID', USERS: 'USER_ID' })[dataset.datasetType.toUpperCase()];

/**
 * CSV (header row first) as values in the order of the dataset's schema fields. Columns are matched to fields
 * by name; missing optional fields stay empty. Throws, saying what is wrong, for a header that names a field the
 * schema lacks or lacks a required one, or a row of the wrong length.
 */
export function recordValues(region: RegionState, dataset: Dataset, csv: string): string[][] {
  const fields = region.schemas[dataset.schemaArn]?.fields ?? [];
  const [header, ...data] = parseCsv(csv);
  if (!header) throw new Error('the CSV has no header row');
  const unknown = header.filter((h) => !fields.includes(h));
  if (unknown.length) throw new Error(`columns ${unknown.join(', ')} are not fields of the dataset's schema`);
  const missing = (datasetTypeOf(dataset)?.required ?? []).filter((f) => !header.includes(f));
  if (missing.length) throw new Error(`required columns ${missing.join(', ')} are missing`);
  data.forEach((row, i) => {
    if (row.length !== header.length)
      throw new Error(`row ${i + 2} has ${row.length} values, the header has ${header.length}`);
  });
  const column = fields.map((f) => header.indexOf(f));
  return data.map((row) => column.map((c) => (c < 0 ? '' : (row[c] ?? ''))));
}

/**
 * Adds CSV records to a dataset, as a dataset import job (BULK) or PutEvents/PutItems/PutUsers calls (PUT)
 * would (the admin endpoint and seeds).
 */
export function loadRecords(region: RegionState, datasetArn: string, origin: string, csv: string): number {
  if (!RECORD_ORIGINS.includes(origin as RecordOrigin)) {
    throw invalidInput(`origin: ${origin} is not one of ${RECORD_ORIGINS.join(', ')}`);
  }
  const dataset = region.datasets[datasetArn];
  if (!dataset) throw notFound(`Resource Arn ${datasetArn} does not exist.`);
  let rows: string[][];
  try {
    rows = recordValues(region, dataset, csv);
  } catch (err) {
    throw invalidInput(`records: ${(err as Error).message}`);
  }
  for (const values of rows) dataset.records.push({ origin: origin as RecordOrigin, values });
  // Bulk records stand for an import made before: INCREMENTAL imports may follow.
  if (origin === 'BULK' && rows.length) dataset.bulkImported = true;
  return rows.length;
}

/**
 * What an import job does with the rows it read: FULL replaces every bulk record (records Put one by one stay),
 * INCREMENTAL adds them, a record whose ID (ITEM_ID, USER_ID) is already there replacing it.
 */
export function importRecords(region: RegionState, dataset: Dataset, rows: string[][], mode: string): void {
  const incoming: DatasetRecord[] = rows.map((values) => ({ origin: 'BULK', values }));
  if (mode === 'FULL') {
    dataset.records = [...dataset.records.filter((r) => r.origin !== 'BULK'), ...incoming];
  } else {
    const idField = idFieldOf(dataset);
    const column = idField ? (region.schemas[dataset.schemaArn]?.fields ?? []).indexOf(idField) : -1;
    const replaced = new Set(column < 0 ? [] : incoming.map((r) => r.values[column]));
    dataset.records = [
      ...dataset.records.filter((r) => column < 0 || !replaced.has(r.values[column])),
      ...incoming,
    ];
  }
  dataset.bulkImported = true;
}
