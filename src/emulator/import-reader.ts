/**
 * What a dataset import job does when it runs: reads its CSV from the emulator's local S3 (one file, or every
 * `.csv` file of a folder), checks it against the dataset's schema and loads it (FULL or INCREMENTAL). Any
 * problem is the job's `failureReason`, as AWS reports it on the job rather than on the call that made it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ImportJob, RegionState } from './model.js';
import { importRecords, recordValues } from './records.js';

/** The files a data location names, under `s3Root`; throws, saying why, when there are none. */
function sourceFiles(s3Root: string, location: string): string[] {
  const url = new URL(location);
  if (url.protocol !== 's3:') throw new Error(`the data location ${location} is not an S3 path`);
  const key = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const path = resolve(s3Root, url.hostname, key);
  const inside = relative(resolve(s3Root, url.hostname), path);
  if (!url.hostname || inside.startsWith('..')) throw new Error(`${location} is not a valid bucket and key`);
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith('.csv'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch {
    files = [];
  }
  if (!files.length) throw new Error(`no CSV file found at ${location}`);
  return files;
}

/** Runs `job` against `region`; returns the failure reason, or undefined when the data is loaded. */
export function runImport(region: RegionState, job: ImportJob, s3Root: string): string | undefined {
  const dataset = region.datasets[job.datasetArn];
  if (!dataset) return `The dataset ${job.datasetArn} no longer exists.`;
  try {
    const rows = sourceFiles(s3Root, job.dataSource.dataLocation).flatMap((file) => {
      try {
        return recordValues(region, dataset, readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`${relative(s3Root, file)}: ${(err as Error).message}`);
      }
    });
    importRecords(region, dataset, rows, job.importMode);
    return undefined;
  } catch (err) {
    return `Input data at ${job.dataSource.dataLocation} could not be imported: ${(err as Error).message}`;
  }
}
