/**
 * Writes a finished export job's CSV files under the emulator's local S3 folder, as AWS writes to S3.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatCsv } from './csv.js';
import type { Dataset, DatasetRecord } from './model.js';
import { idFieldOf } from './records.js';

/** Rows per output file; AWS writes "one or more CSV files" and documents no size, so this is our choice. */
const ROWS_PER_FILE = 50_000;
const STAGING = '.staging';

/** `s3://bucket/prefix/` (or http(s)://) to its bucket and key prefix. */
export function parseS3Path(path: string): { bucket: string; prefix: string } {
  const url = new URL(path);
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  return { bucket: url.hostname, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/**
 * Why the emulator's local S3 cannot take `path` as an export destination, if it cannot: it names no bucket,
 * or its prefix holds a `.` or `..` segment (which would leave the prefix, or the bucket, on disk).
 */
export function unusableExportPath(path: string): string | undefined {
  let bucket: string;
  try {
    bucket = new URL(path).hostname;
  } catch {
    return 'is not a URL';
  }
  if (!bucket) return 'names no bucket';
  const rest = path.slice(path.indexOf('//') + 2);
  if (rest.split('/').some((segment) => segment === '.' || segment === '..'))
    return 'holds a . or .. segment';
  return undefined;
}

/** The folder under `s3Root` that holds a job's files: `<bucket>/<prefix><jobName>/`. */
export function exportFolder(s3Root: string, path: string, jobName: string): string {
  const { bucket, prefix } = parseS3Path(path);
  const folder = resolve(s3Root, bucket, `${prefix}${jobName}`);
  const inside = relative(resolve(s3Root), folder);
  if (!bucket || inside.startsWith('..') || inside.startsWith(STAGING)) {
    throw new Error(`The S3 path ${path} is not a valid bucket and prefix.`);
  }
  return folder;
}

/**
 * The records an export of `mode` contains. Identical records are always exported once. With ALL, an items
 * dataset keeps the newest record per ITEM_ID and a users dataset one per USER_ID; BULK and PUT keep every
 * record of their origin (AWS's documented behaviour).
 */
export function selectRecords(dataset: Dataset, fields: string[], mode: string): DatasetRecord[] {
  const chosen = dataset.records.filter((r) => mode === 'ALL' || r.origin === mode);
  const seen = new Set<string>();
  const unique = chosen.filter((r) => {
    const key = JSON.stringify(r.values);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const idField = mode === 'ALL' ? idFieldOf(dataset) : undefined;
  if (!idField) return unique;
  const column = fields.indexOf(idField);
  const newest = new Map<string, DatasetRecord>();
  for (const r of unique) {
    const id = r.values[column] ?? '';
    newest.delete(id);
    newest.set(id, r);
  }
  return [...newest.values()];
}

/**
 * Writes the export's CSV files (header row first) into a staging folder, then renames the folder into
 * place, so a reader of the bucket folder never sees a half-written file.
 */
export function writeExport(
  s3Root: string,
  folder: string,
  fields: string[],
  records: DatasetRecord[],
): string[] {
  const staging = join(s3Root, STAGING, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(staging, { recursive: true });
  try {
    const files: string[] = [];
    for (let part = 0; part === 0 || part * ROWS_PER_FILE < records.length; part++) {
      const rows = records.slice(part * ROWS_PER_FILE, (part + 1) * ROWS_PER_FILE).map((r) => r.values);
      const name = `part-${String(part).padStart(5, '0')}.csv`;
      writeFileSync(join(staging, name), formatCsv([fields, ...rows]));
      files.push(name);
    }
    mkdirSync(resolve(folder, '..'), { recursive: true });
    renameSync(staging, folder);
    return files.map((f) => join(folder, f));
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
