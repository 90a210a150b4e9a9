import type { Logger } from 'pino';
import { exportFolder, parseS3Path, selectRecords, writeExport } from './export-writer.js';
import type { Faults } from './faults.js';
import { ACTIVE, type ExportJob, FAILED, IN_PROGRESS, PENDING, type RegionState } from './model.js';
import type { Store } from './store.js';

/** How long each state lasts at speed 1; `speed` divides them (100 turns seconds into tens of ms). */
export interface Durations {
  datasetGroupMs: number;
  datasetMs: number;
  exportPendingMs: number;
  exportInProgressMs: number;
}

export const DEFAULT_DURATIONS: Durations = {
  datasetGroupMs: 1_000,
  datasetMs: 1_000,
  exportPendingMs: 2_000,
  exportInProgressMs: 8_000,
};

const S3_ACCESS_DOCS =
  'https://docs.aws.amazon.com/personalize/latest/dg/granting-personalize-s3-access.html';

interface Due {
  at: number;
  advance: () => void;
}

/**
 * Moves resources through CREATE PENDING → CREATE IN_PROGRESS → ACTIVE | CREATE FAILED as time passes.
 * Transition times derive from `lastUpdatedDateTime`, so after a restart the engine simply resumes.
 */
export class Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly faults: Faults,
    private readonly s3Root: string,
    private readonly durations: Durations,
    private readonly speed: number,
    private readonly log: Logger,
  ) {}

  private scaled(ms: number): number {
    return ms / this.speed;
  }

  private dueList(region: RegionState): Due[] {
    const due: Due[] = [];
    for (const g of Object.values(region.datasetGroups)) {
      if (g.status === PENDING) {
        due.push({
          at: g.lastUpdatedDateTime + this.scaled(this.durations.datasetGroupMs),
          advance: () => this.set(g, ACTIVE),
        });
      }
    }
    for (const d of Object.values(region.datasets)) {
      if (d.status === PENDING) {
        due.push({
          at: d.lastUpdatedDateTime + this.scaled(this.durations.datasetMs),
          advance: () => this.set(d, ACTIVE),
        });
      }
    }
    for (const job of Object.values(region.exportJobs)) {
      if (job.status === PENDING) {
        due.push({
          at: job.lastUpdatedDateTime + this.scaled(this.durations.exportPendingMs),
          advance: () => this.set(job, IN_PROGRESS),
        });
      } else if (job.status === IN_PROGRESS) {
        due.push({
          at: job.lastUpdatedDateTime + this.scaled(this.durations.exportInProgressMs),
          advance: () => this.finish(region, job),
        });
      }
    }
    return due;
  }

  private set(
    resource: { status: string; lastUpdatedDateTime: number },
    status: string,
    failureReason?: string,
  ): void {
    resource.status = status;
    resource.lastUpdatedDateTime = Date.now();
    if (failureReason !== undefined) (resource as ExportJob).failureReason = failureReason;
    (resource as ExportJob).history?.push({ status, at: resource.lastUpdatedDateTime });
  }

  private finish(region: RegionState, job: ExportJob): void {
    const log = this.log.child({ job: job.datasetExportJobArn });
    const { bucket } = parseS3Path(job.jobOutput.s3DataDestination.path);
    const faults = this.faults.current;
    if (faults.deniedRoles?.includes(job.roleArn)) {
      this.set(
        job,
        FAILED,
        `Amazon Personalize cannot assume the role ${job.roleArn} or the role lacks s3:PutObject and s3:ListBucket permissions on ${bucket}.`,
      );
    } else if (faults.unwritableBuckets?.includes(bucket)) {
      this.set(
        job,
        FAILED,
        `Insufficient privileges for accessing data in S3. Please look at ${S3_ACCESS_DOCS}#attach-bucket-policy and fix bucket policy on ${bucket}.`,
      );
    } else {
      const dataset = region.datasets[job.datasetArn];
      const schema = dataset && region.schemas[dataset.schemaArn];
      try {
        if (!dataset || !schema) throw new Error(`The dataset ${job.datasetArn} no longer exists.`);
        const folder = exportFolder(this.s3Root, job.jobOutput.s3DataDestination.path, job.jobName);
        const files = writeExport(
          this.s3Root,
          folder,
          schema.fields,
          selectRecords(dataset, schema.fields, job.ingestionMode),
        );
        log.info({ files }, 'export written');
        this.set(job, ACTIVE);
      } catch (err) {
        this.set(
          job,
          FAILED,
          `Failed to write the export to ${job.jobOutput.s3DataDestination.path}: ${(err as Error).message}`,
        );
      }
    }
    log.info({ status: job.status, failureReason: job.failureReason }, 'export job finished');
  }

  /** Runs every transition that is due, then sleeps until the next one. */
  schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    let changed = false;
    for (const [, region] of this.store.regions()) {
      // Advancing one state can make the next one due in the same pass (durations of zero).
      for (let due = this.dueList(region); due.length; due = this.dueList(region)) {
        const ready = due.filter((d) => d.at <= now);
        for (const d of due) if (d.at > now) next = Math.min(next, d.at);
        if (!ready.length) break;
        for (const d of ready) d.advance();
        changed = true;
      }
    }
    if (changed) void this.store.persist();
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.schedule(), Math.max(0, next - Date.now()));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
