/**
 * Assembles the operator: one manager, and on it each kind of the list (`kinds/index.ts`) in turn. Names no
 * kind: what a kind needs, it sets up itself.
 */
import { hostname } from 'node:os';
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP } from './api/group.js';
import { KINDS } from './kinds/index.js';
import type { CommonSettings } from './kinds/kind.js';
import { OperatorMetrics } from './observability/operator-metrics.js';
import type { Operator, OperatorOptions } from './operator-options.js';
import type { Controller } from './runtime/controller.js';
import { EventRecorder } from './runtime/events.js';
import { Manager } from './runtime/manager.js';

export type { Operator, OperatorOptions } from './operator-options.js';

/** Assembles and starts the operator; resolves once its caches are synced and reconciling has begun. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const { kubeConfig, logger } = options;
  const identity = options.identity ?? `${hostname()}-${process.pid}`;
  const manager = new Manager({
    kubeConfig,
    logger,
    metricsAddr: options.metricsAddr,
    healthAddr: options.healthAddr,
    leaderElection: options.leaderElection && {
      namespace: options.leaderElection.namespace,
      name: options.leaderElection.name,
      identity,
      leaseDurationMs: options.leaderElection.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.leaderElection.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.leaderElection.retryPeriodMs ?? 2_000,
    },
    onLeadershipLost: options.onLeadershipLost,
  });
  const settings: CommonSettings = {
    namespaces: options.namespaces ?? [],
    labelSelector: options.labelSelector,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 5 * 60_000,
    resyncMs: options.resyncMs ?? 10 * 60_000,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
    stallTimeoutMs: options.stallTimeoutMs ?? 2 * 60_000,
  };
  const metrics = new OperatorMetrics(manager.metrics.registry);
  const events = new EventRecorder(kubeConfig, `${GROUP}/operator`, identity, logger);
  const controllers = new Map<string, Controller<KubernetesObject>>();
  const closers: (() => void)[] = [];
  for (const kind of KINDS)
    controllers.set(
      kind.kind,
      kind.setup({
        manager,
        kubeConfig,
        logger,
        options,
        settings,
        metrics,
        events,
        controllers,
        onStop: (close) => closers.push(close),
      }),
    );
  manager.addCollector(() => metrics.collect());
  await manager.start();
  logger.info(
    { namespaces: options.namespaces?.length ? options.namespaces : 'all', region: options.region },
    'operator started',
  );
  return {
    registry: manager.metrics.registry,
    metricsUrl: manager.metricsUrl,
    healthUrl: manager.healthUrl,
    stop: async (graceMs = 10_000) => {
      const drained = await manager.stop(graceMs, () => {
        for (const close of closers) close();
      });
      logger.info({ drained }, 'operator stopped');
    },
  };
}
