/**
 * What a kind gives the operator (its CRD, the RBAC rules its controller needs, and its controller, set up on the
 * shared manager), and what the operator gives each kind. The operator, the install manifests and the chart
 * are loops over the list of kinds (`index.ts`); a kind that needs another (a schedule its runs' kind) finds that
 * one's controller by name here, never by importing its folder.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Crd } from '../api/crd.js';
import type { OperatorMetrics } from '../observability/operator-metrics.js';
import type { OperatorOptions } from '../operator-options.js';
import type { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ControllerSettings, Manager } from '../runtime/manager.js';

/** What every controller of the operator watches, and how it retries: given once, the same for every kind. */
export type CommonSettings = Pick<
  ControllerSettings<KubernetesObject>,
  | 'namespaces'
  | 'labelSelector'
  | 'backoffBaseMs'
  | 'backoffMaxMs'
  | 'resyncMs'
  | 'watchTimeoutSeconds'
  | 'stallTimeoutMs'
>;

export interface KindContext {
  manager: Manager;
  kubeConfig: KubeConfig;
  logger: Logger;
  options: OperatorOptions;
  settings: CommonSettings;
  metrics: OperatorMetrics;
  events: EventRecorder;
  /** The controllers of the kinds set up before this one, by kind name. */
  controllers: ReadonlyMap<string, Controller<KubernetesObject>>;
  /** Runs when the operator stops, after the controllers have drained (clients to close). */
  onStop(close: () => void): void;
}

/** An RBAC rule, as rbac.authorization.k8s.io/v1 writes it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface Kind {
  /** The kind's name, as in its CRD (`DatasetExportJob`). */
  kind: string;
  crd(): Crd;
  /** What its controller may do in the cluster, beyond what every controller gets (events, namespaces). */
  rules: readonly PolicyRule[];
  /** Its Argo CD health check: a Lua file under the chart's argocd/ (job kinds share one). */
  health: string;
  /**
   * Sets the kind's controller up. Controllers are invariant in their object type, so the list holds them
   * erased (as the manager does); a kind that reads another's controller narrows it back to that kind's type.
   */
  setup(context: KindContext): Controller<KubernetesObject>;
}
