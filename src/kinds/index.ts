/**
 * Every kind the operator serves, in the order their controllers are set up (a kind that owns another's objects
 * comes after it), and what is derived from the list: the CRDs, and the RBAC rules of the operator's role.
 */
import type { Crd } from '../api/crd.js';
import { datasetExportJob } from './dataset-export-job/kind.js';
import { datasetExportSchedule } from './dataset-export-schedule/kind.js';
import { datasetImportJob } from './dataset-import-job/kind.js';
import type { Kind, PolicyRule } from './kind.js';

export const KINDS: readonly Kind[] = [datasetExportJob, datasetExportSchedule, datasetImportJob];

/** Events about any kind's objects, recorded by the operator's one event recorder. */
export const EVENT_RULE: PolicyRule = {
  apiGroups: ['events.k8s.io'],
  resources: ['events'],
  verbs: ['create', 'patch'],
};
/** Namespace annotations name each namespace's AWS role and region, and allow adoption. */
export const NAMESPACE_RULE: PolicyRule = { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] };

/** Every CRD of the API. */
export const crds = (): Crd[] => KINDS.map((kind) => kind.crd());

/** The kinds' rules, one per resource, verbs merged in the order the kinds give them. */
export function kindRules(): PolicyRule[] {
  const merged = new Map<string, PolicyRule>();
  for (const rule of KINDS.flatMap((kind) => kind.rules))
    for (const group of rule.apiGroups)
      for (const resource of rule.resources) {
        const key = `${group}|${resource}`;
        const found = merged.get(key) ?? { apiGroups: [group], resources: [resource], verbs: [] };
        for (const verb of rule.verbs) if (!found.verbs.includes(verb)) found.verbs.push(verb);
        merged.set(key, found);
      }
  return [...merged.values()];
}
