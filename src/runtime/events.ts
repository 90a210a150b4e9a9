/**
 * events.k8s.io Events on reconciled objects.
 */
import { randomBytes } from 'node:crypto';
import { EventsV1Api, type KubeConfig, type KubernetesObject, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { EventSpec } from './reconcile.js';

/** Records events.k8s.io/v1 Events on a resource; a failure to record is logged, never fatal. */
export class EventRecorder {
  private readonly api: EventsV1Api;

  constructor(
    kubeConfig: KubeConfig,
    /** events.k8s.io's reportingController, such as `example.com/operator`. */
    private readonly controller: string,
    private readonly instance: string,
    private readonly logger: Logger,
  ) {
    this.api = kubeConfig.makeApiClient(EventsV1Api);
  }

  async record(obj: KubernetesObject, event: EventSpec): Promise<void> {
    const namespace = obj.metadata?.namespace ?? 'default';
    try {
      await this.api.createNamespacedEvent({
        namespace,
        body: {
          // client-go's naming: `<object>.<unique hex>` (a generateName ending in '.' is not a valid name).
          metadata: {
            name: `${obj.metadata?.name ?? 'object'}.${Date.now().toString(16)}${randomBytes(4).toString('hex')}`,
            namespace,
          },
          eventTime: new V1MicroTime(),
          reportingController: this.controller,
          reportingInstance: this.instance,
          action: event.action,
          reason: event.reason,
          note: event.note.slice(0, 1024),
          type: event.type,
          regarding: {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata?.name,
            namespace,
            uid: obj.metadata?.uid,
            resourceVersion: obj.metadata?.resourceVersion,
          },
        },
      });
    } catch (err) {
      this.logger.warn({ err: String(err), reason: event.reason }, 'could not record event');
    }
  }
}
