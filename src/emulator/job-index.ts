/**
 * Export jobs by dataset, so that a dataset's listing reads its own jobs, not every job in the region.
 */
import type { ExportJob, RegionState } from './model.js';

/** Per region, each dataset's jobs in creation order; built on first use, kept current by `addExportJob`. */
const indexes = new WeakMap<RegionState, Map<string, ExportJob[]>>();

function append(index: Map<string, ExportJob[]>, job: ExportJob): void {
  const jobs = index.get(job.datasetArn);
  if (jobs) jobs.push(job);
  else index.set(job.datasetArn, [job]);
}

function indexOf(region: RegionState): Map<string, ExportJob[]> {
  let index = indexes.get(region);
  if (!index) {
    index = new Map();
    for (const job of Object.values(region.exportJobs).sort((a, b) => a.seq - b.seq)) append(index, job);
    indexes.set(region, index);
  }
  return index;
}

/** Stores a new job; every job enters the region through here, or the index would miss it. */
export function addExportJob(region: RegionState, job: ExportJob): void {
  region.exportJobs[job.datasetExportJobArn] = job;
  const index = indexes.get(region);
  if (index) append(index, job);
}

/** The region's jobs of one dataset, or all of them without one. */
export function exportJobsOf(region: RegionState, datasetArn?: string): ExportJob[] {
  return datasetArn ? (indexOf(region).get(datasetArn) ?? []) : Object.values(region.exportJobs);
}
