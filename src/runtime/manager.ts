/**
 * What several controllers share in one process: one leader election, one metrics registry, one health
 * endpoint and one shutdown, as controller-runtime's manager provides.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Controller, type ControllerOptions } from './controller.js';
import { serve } from './http-server.js';
import { PooledKubeConfig } from './kube-config.js';
import { type LeaderElectionOptions, LeaderElector } from './leader-election.js';
import { RuntimeMetrics } from './metrics.js';

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Where /metrics is served; not served when absent. */
  metricsAddr?: { host: string; port: number };
  /** Where /healthz and /readyz are served; not served when absent. */
  healthAddr?: { host: string; port: number };
  /** Reconcile only while holding this Lease; without it, reconcile at once (one replica). */
  leaderElection?: Omit<LeaderElectionOptions, 'kubeConfig' | 'logger'>;
  /** Called when leadership is lost; the CLI exits so that a fresh process campaigns again. */
  onLeadershipLost?: () => void;
}

export type ControllerSettings<T extends KubernetesObject> = Omit<
  ControllerOptions<T>,
  'kubeConfig' | 'logger' | 'metrics' | 'startPaused'
>;

export class Manager {
  readonly metrics = new RuntimeMetrics();
  private readonly controllers: Controller<KubernetesObject>[] = [];
  private readonly stops: (() => Promise<void> | void)[] = [];
  private readonly collectors: (() => void)[] = [];
  elector?: LeaderElector;
  metricsUrl?: string;
  healthUrl?: string;

  constructor(private readonly options: ManagerOptions) {}

  /** Adds a controller; it starts with the manager and reconciles while the manager leads. */
  add<T extends KubernetesObject>(settings: ControllerSettings<T>): Controller<T> {
    const controller = new Controller<T>({
      ...settings,
      kubeConfig: this.options.kubeConfig,
      logger: this.options.logger,
      metrics: this.metrics,
      startPaused: this.options.leaderElection !== undefined,
    });
    this.controllers.push(controller as unknown as Controller<KubernetesObject>);
    return controller;
  }

  /** Refreshes gauges read from state rather than counted (domain gauges) before each scrape. */
  addCollector(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** Everything wrong with any controller, for /healthz (empty when healthy); also sets the health gauge. */
  health(): string[] {
    const problems = this.controllers.map((c) => c.health());
    const watch = problems.flatMap((p) => (p.watch ? [p.watch] : []));
    const progress = problems.flatMap((p) => (p.progress ? [p.progress] : []));
    this.metrics.health.set({ check: 'watch' }, watch.length ? 0 : 1);
    this.metrics.health.set({ check: 'progress' }, progress.length ? 0 : 1);
    return [...watch, ...progress];
  }

  /** Serves probes and metrics, fills every cache, then reconciles (at once, or once leading). */
  async start(): Promise<void> {
    const { logger, healthAddr, metricsAddr, leaderElection } = this.options;
    // Probes answer from the start: not ready until the caches are synced.
    if (healthAddr) {
      const health = await serve(healthAddr, {
        '/healthz': async () => {
          const problems = this.health();
          return problems.length
            ? { status: 503, body: `${problems.join('\n')}\n` }
            : { status: 200, body: 'ok\n' };
        },
        '/readyz': async () =>
          this.controllers.every((c) => c.synced)
            ? { status: 200, body: 'ok\n' }
            : { status: 503, body: 'caches not synced\n' },
      });
      this.healthUrl = health.url;
      this.stops.push(() => {
        health.server.close();
      });
    }
    if (metricsAddr) {
      const served = await serve(metricsAddr, {
        '/metrics': async () => {
          for (const c of this.controllers) c.collect();
          this.health();
          for (const collect of this.collectors) collect();
          return {
            status: 200,
            body: await this.metrics.registry.metrics(),
            contentType: this.metrics.registry.contentType,
          };
        },
      });
      this.metricsUrl = served.url;
      this.stops.push(() => {
        served.server.close();
      });
    }
    await Promise.all(this.controllers.map((c) => c.start()));
    if (!leaderElection) return;
    const elector = new LeaderElector({ ...leaderElection, kubeConfig: this.options.kubeConfig, logger });
    this.elector = elector;
    this.metrics.leader.set({ name: leaderElection.name }, 0);
    elector.run(
      () => {
        this.metrics.leader.set({ name: leaderElection.name }, 1);
        for (const c of this.controllers) c.resume();
      },
      () => {
        this.metrics.leader.set({ name: leaderElection.name }, 0);
        // Stop reconciling at once: the lease may soon belong to another replica.
        void Promise.all(this.controllers.map((c) => c.stop(0))).then(() =>
          this.options.onLeadershipLost?.(),
        );
      },
    );
  }

  /**
   * Stops watching, lets reconciles in flight finish within `graceMs`, and only then hands the lease over,
   * so two leaders never overlap. Resolves whether every controller drained in time.
   */
  async stop(graceMs: number, release: () => void = () => undefined): Promise<boolean> {
    const drained = (await Promise.all(this.controllers.map((c) => c.stop(graceMs)))).every(Boolean);
    await this.elector?.release();
    release();
    if (this.options.kubeConfig instanceof PooledKubeConfig) this.options.kubeConfig.destroyAgents();
    for (const stop of this.stops) await stop();
    return drained;
  }
}
