/** A minimal object for the runtime's unit tests: a generation, annotations and a status reference. */
import type { KubernetesObject } from '@kubernetes/client-node';

export type Obj = KubernetesObject & { status?: { ref?: string } };

export const obj = (
  generation: number,
  annotations: Record<string, string> = {},
  status: Obj['status'] = {},
): Obj => ({
  metadata: { name: 'o', namespace: 'ns', generation, annotations },
  status,
});
