/**
 * How emulated resources move through their states by themselves, on a time-ordered queue of due transitions.
 */
import { PriorityQueue } from '@datastructures-js/priority-queue';
import type { Logger } from 'pino';
import { exportFolder, parseS3Path, selectRecords, writeExport } from './export-writer.js';
import type { Faults } from './faults.js';
import { runImport } from './import-reader.js';
import {
  ACTIVE,
  type ExportJob,
  FAILED,
  type ImportJob,
  IN_PROGRESS,
  type Moving,
  PENDING,
  type RegionState,
} from './model.js';
import type { Store } from './store.js';

/** How long each state lasts at speed 1; `speed` divides them (100 turns seconds into tens of ms). */
export interface Durations {
  datasetGroupMs: number;
  datasetMs: number;
  exportPendingMs: number;
  exportInProgressMs: number;
  importPendingMs: number;
  importInProgressMs: number;
}

export const DEFAULT_DURATIONS: Durations = {
  datasetGroupMs: 1_000,
  datasetMs: 1_000,
  exportPendingMs: 2_000,
  exportInProgressMs: 8_000,
  importPendingMs: 2_000,
  importInProgressMs: 8_000,
};

const S3_ACCESS_DOCS =
  'https://docs.aws.amazon.com/personalize/latest/dg/granting-personalize-s3-access.html';

interface Due {
  at: number;
  region: RegionState;
  moving: Moving;
}

/**
 * Moves resources through CREATE PENDING → CREATE IN_PROGRESS → ACTIVE | CREATE FAILED as time passes.
 * Transition times derive from `lastUpdatedDateTime`, so after a restart the engine simply resumes. The next
 * transitions wait in a queue ordered by time: a fleet of finished resources costs nothing per call.
 */
export class Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly queue = new PriorityQueue<Due>((a, b) => a.at - b.at);

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

  /** When `moving` takes its next step, from the state it is in; undefined once it has settled. */
  private dueAt(moving: Moving): number | undefined {
    const { status, lastUpdatedDateTime } = moving.resource;
    if (moving.kind === 'exportJob') {
      if (status === PENDING) return lastUpdatedDateTime + this.scaled(this.durations.exportPendingMs);
      if (status === IN_PROGRESS) return lastUpdatedDateTime + this.scaled(this.durations.exportInProgressMs);
      return undefined;
    }
    if (moving.kind === 'importJob') {
      if (status === PENDING) return lastUpdatedDateTime + this.scaled(this.durations.importPendingMs);
      if (status === IN_PROGRESS) return lastUpdatedDateTime + this.scaled(this.durations.importInProgressMs);
      return undefined;
    }
    if (status !== PENDING) return undefined;
    return (
      lastUpdatedDateTime +
      this.scaled(moving.kind === 'datasetGroup' ? this.durations.datasetGroupMs : this.durations.datasetMs)
    );
  }

  private advance(region: RegionState, moving: Moving): void {
    if (moving.kind === 'datasetGroup' || moving.kind === 'dataset') this.set(moving.resource, ACTIVE);
    else if (moving.resource.status === PENDING) this.set(moving.resource, IN_PROGRESS);
    else if (moving.kind === 'exportJob') this.finish(region, moving.resource);
    else this.finishImport(region, moving.resource);
  }

  private finishImport(region: RegionState, job: ImportJob): void {
    const failureReason = runImport(region, job, this.s3Root);
    if (failureReason) this.set(job, FAILED, failureReason);
    else this.set(job, ACTIVE);
    this.log.info({ job: job.datasetImportJobArn, status: job.status, failureReason }, 'import job finished');
  }

  /** Queues the next step of a resource just created in `region`, and runs what is due. */
  track(region: RegionState, moving: Moving): void {
    this.enqueue(region, moving);
    this.schedule();
  }

  private enqueue(region: RegionState, moving: Moving): void {
    const at = this.dueAt(moving);
    if (at !== undefined) this.queue.enqueue({ at, region, moving });
  }

  /** Forgets the queue and reads every moving resource from the store: at start, and after the state is replaced. */
  resume(): void {
    this.queue.clear();
    for (const [, region] of this.store.regions()) {
      for (const resource of Object.values(region.datasetGroups))
        this.enqueue(region, { kind: 'datasetGroup', resource });
      for (const resource of Object.values(region.datasets))
        this.enqueue(region, { kind: 'dataset', resource });
      for (const resource of Object.values(region.exportJobs))
        this.enqueue(region, { kind: 'exportJob', resource });
      for (const resource of Object.values(region.importJobs ?? {}))
        this.enqueue(region, { kind: 'importJob', resource });
    }
    this.schedule();
  }

  private set(
    resource: {
      status: string;
      lastUpdatedDateTime: number;
      failureReason?: string;
      history?: { status: string; at: number }[];
    },
    status: string,
    failureReason?: string,
  ): void {
    resource.status = status;
    resource.lastUpdatedDateTime = Date.now();
    if (failureReason !== undefined) resource.failureReason = failureReason;
    resource.history?.push({ status, at: resource.lastUpdatedDateTime });
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
  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let changed = false;
    // Advancing one state can make the next one due in the same pass (durations of zero).
    for (let due = this.queue.front(); due && due.at <= now; due = this.queue.front()) {
      this.queue.dequeue();
      this.advance(due.region, due.moving);
      this.enqueue(due.region, due.moving);
      changed = true;
    }
    if (changed) void this.store.persist();
    const next = this.queue.front();
    if (next) this.timer = setTimeout(() => this.schedule(), Math.max(0, next.at - Date.now()));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
