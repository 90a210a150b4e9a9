import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { PersonalizeGateway } from './aws/gateway.js';
import { Reconciler } from './reconciler/reconciler.js';
import { Controller, statusWriter } from './runtime/controller.js';
import { EventRecorder } from './runtime/events.js';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  region?: string;
  personalizeEndpoint?: string;
  namespaces?: string[];
  labelSelector?: string;
  concurrency?: number;
  pollMinMs?: number;
  pollMaxMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  actionableRetryMs?: number;
  resyncMs?: number;
  watchTimeoutSeconds?: number;
}

export interface Operator {
  controller: Controller;
  stop(graceMs?: number): Promise<void>;
}

/** Assembles and starts the operator; resolves once its caches are synced and reconciling has begun. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const { kubeConfig, logger } = options;
  const gateway = new PersonalizeGateway({ endpoint: options.personalizeEndpoint, logger });
  const events = new EventRecorder(kubeConfig, `${hostname()}-${process.pid}`, logger);
  const writeStatus = statusWriter(kubeConfig);
  const reconciler = new Reconciler(
    gateway,
    { writeStatus, recordEvent: (obj, event) => events.record(obj, event) },
    {
      defaultRegion: options.region,
      pollMinMs: options.pollMinMs ?? 5_000,
      pollMaxMs: options.pollMaxMs ?? 60_000,
      actionableRetryMs: options.actionableRetryMs ?? 5 * 60_000,
    },
  );
  const controller = new Controller(reconciler, {
    kubeConfig,
    namespaces: options.namespaces ?? [],
    labelSelector: options.labelSelector,
    concurrency: options.concurrency ?? 4,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 5 * 60_000,
    resyncMs: options.resyncMs ?? 10 * 60_000,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
    logger,
  });
  await controller.start();
  logger.info(
    { namespaces: options.namespaces?.length ? options.namespaces : 'all', region: options.region },
    'operator started',
  );
  return {
    controller,
    stop: async (graceMs = 10_000) => {
      const drained = await controller.stop(graceMs);
      gateway.destroy();
      logger.info({ drained }, 'operator stopped');
    },
  };
}
