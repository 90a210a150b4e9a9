/**
 * A job resource as the lifecycle sees it, whatever its kind: a spec with a job name, a region and tags, and a
 * status whose job ARN is `jobArn`. Each kind's status names the ARN as its Describe call does
 * (`jobArn`, `datasetImportJobArn`); the reconciler turns one form into the other at its edges.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Condition } from '../runtime/conditions.js';
import type { Tags } from './observation.js';

/** What every job kind's spec has besides its own settings. */
export interface JobSpec {
  jobName?: string;
  region?: string;
  tags?: Tags;
}

/** What every job kind's status has: AWS's Describe answer and the operator's own bookkeeping. */
export interface JobStatus {
  jobArn?: string;
  jobName?: string;
  region?: string;
  status?: string;
  failureReason?: string;
  creationDateTime?: string;
  lastUpdatedDateTime?: string;
  observedGeneration?: number;
  tags?: Tags;
  createRequested?: { jobName: string; at: string };
  lastHandledReconcileAt?: string;
  conditions?: Condition[];
}

export interface JobResource<S extends JobSpec = JobSpec> extends KubernetesObject {
  spec: S;
  status?: JobStatus;
}

/** A kind's object as it is stored: its status names the ARN its own way. */
export type StoredJob<S extends JobSpec = JobSpec> = KubernetesObject & { spec: S; status?: object };

/** The resource in the lifecycle's form: the ARN under `jobArn`; everything else as stored. */
export function lifecycleView<S extends JobSpec>(obj: StoredJob<S>, arnField: string): JobResource<S> {
  if (!obj.status) return obj as JobResource<S>;
  const { [arnField]: jobArn, ...rest } = obj.status as Record<string, unknown>;
  const status = (jobArn === undefined ? rest : { ...rest, jobArn }) as JobStatus;
  return { ...obj, status };
}

/** A status in the kind's stored form: `jobArn` under the kind's own name. */
export function storedStatus(status: JobStatus, arnField: string): object {
  const { jobArn, ...rest } = status;
  return jobArn === undefined ? rest : { ...rest, [arnField]: jobArn };
}
