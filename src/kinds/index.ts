/**
 * Every kind the operator serves, in the order their controllers are set up: a kind that owns another's objects
 * comes after it. The operator, and everything derived per kind, is a loop over this list.
 */
import { datasetExportJobKind } from './dataset-export-job/controller.js';
import { datasetExportScheduleKind } from './dataset-export-schedule/controller.js';
import type { Kind } from './kind.js';

export const KINDS: readonly Kind[] = [datasetExportJobKind, datasetExportScheduleKind];
