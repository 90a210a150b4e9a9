/**
 * The records a dataset holds, loaded from CSV as imports and Put calls would add them.
 */
import { parseCsv } from './csv.js';
import { datasetTypeOf } from './datasets.js';
import { invalidInput, notFound } from './errors.js';
import type { RecordOrigin, RegionState } from './model.js';

export const RECORD_ORIGINS: readonly RecordOrigin[] = ['BULK', 'PUT'];

/**
 * Adds CSV records (header row first) to a dataset, as a dataset import job (BULK) or PutEvents/PutItems/
 * PutUsers calls (PUT) would. Columns are matched to schema fields by name; missing optional fields stay empty.
 */
export function loadRecords(region: RegionState, datasetArn: string, origin: string, csv: string): number {
  if (!RECORD_ORIGINS.includes(origin as RecordOrigin)) {
    throw invalidInput(`origin: ${origin} is not one of ${RECORD_ORIGINS.join(', ')}`);
  }
  const dataset = region.datasets[datasetArn];
  if (!dataset) throw notFound(`Resource Arn ${datasetArn} does not exist.`);
  const fields = region.schemas[dataset.schemaArn]?.fields ?? [];
  let rows: string[][];
  try {
    rows = parseCsv(csv);
  } catch (err) {
    throw invalidInput(`records: ${(err as Error).message}`);
  }
  const [header, ...data] = rows;
  if (!header) throw invalidInput('records: the CSV has no header row');
  const unknown = header.filter((h) => !fields.includes(h));
  if (unknown.length)
    throw invalidInput(`records: columns ${unknown.join(', ')} are not fields of the dataset's schema`);
  const missing = (datasetTypeOf(dataset)?.required ?? []).filter((f) => !header.includes(f));
  if (missing.length) throw invalidInput(`records: required columns ${missing.join(', ')} are missing`);
  data.forEach((row, i) => {
    if (row.length !== header.length) {
      throw invalidInput(`records: row ${i + 2} has ${row.length} values, the header has ${header.length}`);
    }
  });
  const column = fields.map((f) => header.indexOf(f));
  for (const row of data) {
    dataset.records.push({
      origin: origin as RecordOrigin,
      values: column.map((c) => (c < 0 ? '' : (row[c] ?? ''))),
    });
  }
  return data.length;
}
