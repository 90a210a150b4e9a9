/**
 * The DatasetExportSchedule API, defined once (CRD schema, inferred types, docs): recurring exports with
 * CronJob's semantics, each run a DatasetExportJob made from `jobTemplate`.
 */
import { GROUP } from '../../api/group.js';
import { conditionSchema, objectProperties } from '../../api/job-schema.js';
import { runSpecSchema as jobSpecSchema } from '../schedule-runs.js';

export const SCHEDULE_KIND = 'DatasetExportSchedule';
export const SCHEDULE_PLURAL = 'datasetexportschedules';
export const SCHEDULE_SINGULAR = 'datasetexportschedule';
export const SCHEDULE_SHORT_NAMES = ['dses'] as const;
/** Set to any new value to start one run now (it respects concurrencyPolicy). */
export const RUN_REQUESTED_ANNOTATION = `${GROUP}/run-requested-at`;
/** On each run: the schedule that made it, as `<name>`. */
export const SCHEDULE_LABEL = `${GROUP}/schedule`;
/** On each run: the scheduled time it stands for (RFC 3339). */
export const SCHEDULED_AT_ANNOTATION = `${GROUP}/scheduled-at`;
/** Placeholders `jobOutput.s3DataDestination.path` may hold, evaluated at the scheduled time in `timeZone`. */
export const PATH_PLACEHOLDERS = ['{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;
/** Run names are `<schedule>-<minutes since the epoch>` and must stay a valid label value (63). */
export const MAX_SCHEDULE_NAME = 52;
export const CRON_ALIASES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

const stripPlaceholders = PATH_PLACEHOLDERS.reduce((expr, p) => `${expr}.replace('${p}', '')`, 'self');

/** A DatasetExportJob spec minus jobName (each run gets its own) and minus the immutability rules. */
const { jobName: _jobName, ...templateJobProperties } = jobSpecSchema.properties;
const templateSpecSchema = {
  type: 'object',
  description:
    'The spec of each run: a DatasetExportJob spec without jobName (each run gets its own name). jobOutput.s3DataDestination.path may hold the placeholders {yyyy}, {MM}, {dd}, {HH} and {mm}, evaluated at the scheduled time in spec.timeZone (for example s3://bucket/exports/dt={yyyy}-{MM}-{dd}/).',
  required: jobSpecSchema.required,
  properties: {
    ...templateJobProperties,
    jobOutput: {
      ...templateJobProperties.jobOutput,
      properties: {
        s3DataDestination: {
          ...templateJobProperties.jobOutput.properties.s3DataDestination,
          properties: {
            ...templateJobProperties.jobOutput.properties.s3DataDestination.properties,
            path: {
              ...templateJobProperties.jobOutput.properties.s3DataDestination.properties.path,
              description: `S3 path each run's CSV files are written under. It may hold the placeholders ${PATH_PLACEHOLDERS.join(', ')}, read at the scheduled time in spec.timeZone: s3://bucket/exports/dt={yyyy}-{MM}-{dd}/.`,
              'x-kubernetes-validations': [
                ...templateJobProperties.jobOutput.properties.s3DataDestination.properties.path[
                  'x-kubernetes-validations'
                ],
                {
                  rule: `!${stripPlaceholders}.matches('[{}]')`,
                  message: `the only placeholders are ${PATH_PLACEHOLDERS.join(', ')}`,
                },
              ],
            },
          },
        },
      },
    },
  },
} as const;

export const scheduleSpecSchema = {
  type: 'object',
  description: 'When to export, and what each run exports.',
  required: ['schedule', 'jobTemplate'],
  properties: {
    schedule: {
      type: 'string',
      description:
        "Kubernetes CronJob's syntax: five fields (minute hour day-of-month month day-of-week) or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. The time zone is spec.timeZone.",
      maxLength: 200,
      'x-kubernetes-validations': [
        {
          rule: "!self.contains('TZ=')",
          message: 'TZ= and CRON_TZ= are not supported in spec.schedule: use spec.timeZone',
        },
        {
          rule: `self.matches('^(${CRON_ALIASES.join('|')}|\\\\S+( +\\\\S+){4})$')`,
          message: `must be five cron fields (minute hour day-of-month month day-of-week) or one of ${CRON_ALIASES.join(', ')}`,
        },
      ],
    },
    timeZone: {
      type: 'string',
      description: 'IANA time zone the schedule and the path placeholders are read in (default UTC).',
      default: 'UTC',
      maxLength: 64,
      'x-kubernetes-validations': [
        {
          rule: "self.matches('^[A-Za-z0-9_+./-]+$')",
          message: 'must be an IANA time zone such as Europe/Berlin',
        },
      ],
    },
    suspend: {
      type: 'boolean',
      description: 'No new runs while true; runs in flight go on (an export cannot be stopped).',
      default: false,
    },
    concurrencyPolicy: {
      type: 'string',
      description:
        'Forbid (default): skip a run while the previous one is in flight (two overlapping exports of one dataset cost twice for nothing). Allow: runs may overlap.',
      default: 'Forbid',
      'x-kubernetes-validations': [
        {
          rule: "self in ['Forbid', 'Allow']",
          message:
            'must be Forbid or Allow: Replace would have to stop the running export, and AWS cannot stop an export job',
        },
      ],
    },
    startingDeadlineSeconds: {
      type: 'integer',
      format: 'int64',
      description: 'A run missed by more than this many seconds (operator down, say) is skipped.',
      minimum: 1,
    },
    successfulJobsHistoryLimit: {
      type: 'integer',
      format: 'int32',
      description:
        'Finished successful runs kept (default 3); older DatasetExportJobs are deleted (their AWS job records and files stay).',
      minimum: 0,
      default: 3,
    },
    failedJobsHistoryLimit: {
      type: 'integer',
      format: 'int32',
      description: 'Failed runs kept (default 1); older ones are deleted.',
      minimum: 0,
      default: 1,
    },
    jobTemplate: {
      type: 'object',
      description: 'What each run is made from.',
      required: ['spec'],
      properties: {
        metadata: {
          type: 'object',
          description: 'Labels and annotations each run carries.',
          properties: {
            labels: {
              type: 'object',
              description: 'Labels of each run.',
              additionalProperties: { type: 'string' },
            },
            annotations: {
              type: 'object',
              description: 'Annotations of each run.',
              additionalProperties: { type: 'string' },
            },
          },
        },
        spec: templateSpecSchema,
      },
    },
  },
} as const;

const runRefSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Name of the DatasetExportJob.' },
    scheduledTime: { type: 'string', format: 'date-time', description: 'The scheduled time it stands for.' },
  },
} as const;

export const scheduleStatusSchema = {
  type: 'object',
  description: 'What the schedule did last and does next.',
  properties: {
    active: {
      type: 'array',
      description: 'Runs (DatasetExportJobs) whose export has not finished.',
      items: { ...runRefSchema, description: 'A run in flight.' },
    },
    lastScheduleTime: {
      type: 'string',
      format: 'date-time',
      description: 'The scheduled time of the last run started.',
    },
    lastSuccessfulTime: {
      type: 'string',
      format: 'date-time',
      description: 'When the last successful run finished (its job ACTIVE).',
    },
    lastFailureTime: { type: 'string', format: 'date-time', description: 'When the last failed run ended.' },
    lastFailure: {
      type: 'object',
      description: "The last failed run and AWS's failureReason.",
      properties: {
        name: { type: 'string', description: 'Name of the DatasetExportJob.' },
        failureReason: { type: 'string', description: "AWS's failureReason." },
      },
    },
    nextScheduleTime: { type: 'string', format: 'date-time', description: 'When the next run is due.' },
    lastHandledRunRequestAt: {
      type: 'string',
      description: `The value of ${RUN_REQUESTED_ANNOTATION} when its run was last started.`,
    },
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'The metadata.generation this status was computed for.',
    },
    conditions: {
      type: 'array',
      description:
        'Ready (the schedule runs and its last run did not fail after its last success), Synced (False with InvalidSchedule when the spec cannot be run), and for kstatus Reconciling and Stalled.',
      items: conditionSchema,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    },
  },
} as const;

export const scheduleResourceSchema = {
  type: 'object',
  description:
    'Recurring Amazon Personalize dataset exports: a DatasetExportJob per scheduled time, as a CronJob makes Jobs.',
  required: ['spec'],
  properties: {
    ...objectProperties,
    spec: scheduleSpecSchema,
    status: scheduleStatusSchema,
  },
  'x-kubernetes-validations': [
    {
      rule: `size(self.metadata.name) <= ${MAX_SCHEDULE_NAME}`,
      message: `metadata.name may be at most ${MAX_SCHEDULE_NAME} characters, so that run names (<name>-<minutes since the epoch>) fit`,
    },
  ],
} as const;
