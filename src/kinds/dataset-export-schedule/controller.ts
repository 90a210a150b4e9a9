/**
 * Assembly of the DatasetExportSchedule controller on the shared manager: its runs are DatasetExportJobs it
 * owns (ownerReferences), found in the job controller's cache, which wakes the schedule when one of them moves.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/group.js';
import type { OperatorMetrics } from '../../observability/operator-metrics.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Manager } from '../../runtime/manager.js';
import { keyOf } from '../../runtime/object-key.js';
import { generationOrAnnotations } from '../../runtime/predicates.js';
import { statusWriter } from '../../runtime/status-writer.js';
import type { CommonSettings, KindContext } from '../kind.js';
import { RUN_KIND, RUN_PLURAL } from '../schedule-runs.js';
import { type Clock, fastClock, realClock, ScheduleReconciler } from './reconciler.js';
import type { Run } from './runs.js';
import { RUN_REQUESTED_ANNOTATION, SCHEDULE_KIND, SCHEDULE_PLURAL, SCHEDULE_SINGULAR } from './schema.js';
import type { DatasetExportSchedule, DatasetExportScheduleStatus } from './types.js';

export const SCHEDULE_RESOURCE = {
  group: GROUP,
  version: VERSION,
  plural: SCHEDULE_PLURAL,
  kind: SCHEDULE_KIND,
};

export interface ScheduleDeps {
  kubeConfig: KubeConfig;
  events: EventRecorder;
  metrics: OperatorMetrics;
  clock: Clock;
  /** The controller of the runs' kind: a schedule owns its runs, and wakes when one of them moves. */
  jobs: Controller<Run>;
  settings: CommonSettings;
}

export function addScheduleController(
  manager: Manager,
  deps: ScheduleDeps,
): Controller<DatasetExportSchedule> {
  const api = deps.kubeConfig.makeApiClient(CustomObjectsApi);
  const writeStatus = statusWriter<DatasetExportScheduleStatus>(
    deps.kubeConfig,
    SCHEDULE_RESOURCE,
    'personalize-operator',
  );
  const code = (err: unknown) => (err as { code?: number }).code;
  // Bound once the controller exists: the runs of a schedule, from the job controller's cache.
  let runsOf: (schedule: DatasetExportSchedule) => Run[] = () => [];
  const reconciler = new ScheduleReconciler(
    {
      runsOf: (schedule) => runsOf(schedule),
      createRun: async (run) => {
        try {
          await api.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: run.metadata?.namespace ?? '',
            plural: RUN_PLURAL,
            body: run,
          });
          return true;
        } catch (err) {
          // The run's name stands for its scheduled time: one that exists is this run, made before a crash.
          if (code(err) === 409) return false;
          throw err;
        }
      },
      deleteRun: async (namespace, name) => {
        await api
          .deleteNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural: RUN_PLURAL,
            name,
          })
          .catch((err: unknown) => {
            if (code(err) !== 404) throw err;
          });
      },
      writeStatus: (schedule, status) => writeStatus(schedule, status),
      recordEvent: (schedule, event) => deps.events.record(schedule, event),
      counted: (schedule, outcome) =>
        deps.metrics.scheduleRuns.inc({
          schedule: keyOf(schedule),
          outcome,
        }),
    },
    deps.clock,
  );
  const controller = manager.add<DatasetExportSchedule>({
    name: SCHEDULE_SINGULAR,
    resource: SCHEDULE_RESOURCE,
    reconciler,
    trigger: generationOrAnnotations(RUN_REQUESTED_ANNOTATION),
    concurrency: 2,
    // Runs start at their scheduled time: a spread of the requeue would start an hourly run minutes late.
    jitter: 0,
    ...deps.settings,
  });
  runsOf = controller.owns(deps.jobs);
  manager.addCollector(() => deps.metrics.collectSchedules(controller.list()));
  return controller;
}

/** Sets the schedule up; its runs are the export job kind's objects, found by that kind's name in the list. */
export function setup({ manager, kubeConfig, events, metrics, options, settings, controllers }: KindContext) {
  const jobs = controllers.get(RUN_KIND);
  if (!jobs) throw new Error(`${SCHEDULE_KIND} needs the ${RUN_KIND} kind set up before it`);
  return addScheduleController(manager, {
    kubeConfig,
    events,
    metrics,
    jobs: jobs as unknown as Controller<Run>,
    clock: options.scheduleClockSpeed
      ? fastClock(options.scheduleClockSpeed, options.scheduleClockEpoch)
      : realClock,
    settings,
  }) as unknown as Controller<KubernetesObject>;
}
