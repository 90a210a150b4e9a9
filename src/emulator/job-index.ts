/**
 * Jobs by dataset, so that a dataset's listing reads its own jobs, not every job in the region: one index per
 * kind of job (export, import), each built on first use and kept current as jobs are added.
 */
import type { ExportJob, ImportJob, RegionState } from './model.js';

interface DatasetJob {
  seq: number;
  datasetArn: string;
}

function jobIndex<J extends DatasetJob>(
  jobsOf: (region: RegionState) => Record<string, J>,
  arnOf: (job: J) => string,
) {
  const indexes = new WeakMap<RegionState, Map<string, J[]>>();
  const append = (index: Map<string, J[]>, job: J) => {
    const jobs = index.get(job.datasetArn);
    if (jobs) jobs.push(job);
    else index.set(job.datasetArn, [job]);
  };
  const indexOf = (region: RegionState) => {
    let index = indexes.get(region);
    if (!index) {
      index = new Map();
      for (const job of Object.values(jobsOf(region)).sort((a, b) => a.seq - b.seq)) append(index, job);
      indexes.set(region, index);
    }
    return index;
  };
  return {
    /** Stores a new job; every job enters the region through here, or the index would miss it. */
    add(region: RegionState, job: J): void {
      jobsOf(region)[arnOf(job)] = job;
      const index = indexes.get(region);
      if (index) append(index, job);
    },
    /** The region's jobs of one dataset, or all of them without one. */
    of(region: RegionState, datasetArn?: string): J[] {
      return datasetArn ? (indexOf(region).get(datasetArn) ?? []) : Object.values(jobsOf(region));
    },
  };
}

export const exportJobIndex = jobIndex<ExportJob>(
  (region) => region.exportJobs,
  (job) => job.datasetExportJobArn,
);

export const importJobIndex = jobIndex<ImportJob>(
  (region) => {
    region.importJobs ??= {};
    return region.importJobs;
  },
  (job) => job.datasetImportJobArn,
);
