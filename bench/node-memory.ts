/** Where a Node process's memory sits, read from the prom-client default metrics it serves. */
export interface NodeMemory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Reserved size of each V8 heap space (new, old, code, large_object...). */
  heapSpacesMb: Record<string, number>;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export async function readNodeMemory(metricsUrl: string): Promise<NodeMemory | undefined> {
  const text = await fetch(metricsUrl)
    .then((r) => r.text())
    .catch(() => undefined);
  if (!text) return undefined;
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const heapSpacesMb: Record<string, number> = {};
  for (const [, space, bytes] of text.matchAll(
    /^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm,
  )) {
    if (Number(bytes) > 0) heapSpacesMb[space!] = mb(Number(bytes));
  }
  return {
    rssMb: mb(gauge('process_resident_memory_bytes')),
    heapUsedMb: mb(gauge('nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(gauge('nodejs_heap_size_total_bytes')),
    externalMb: mb(gauge('nodejs_external_memory_bytes')),
    heapSpacesMb,
  };
}

/** The operator's adaptive client rate per operation (calls per second), from its /metrics. */
export async function readClientRates(metricsUrl: string): Promise<Record<string, number>> {
  const text = await fetch(metricsUrl)
    .then((r) => r.text())
    .catch(() => '');
  const rates: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(/^personalize_operator_aws_rate_limit\{([^}]*)\} (\S+)$/gm)) {
    const operation = /operation="([^"]*)"/.exec(labels ?? '')?.[1];
    if (operation) rates[operation] = Math.round(Number(value) * 10) / 10;
  }
  return rates;
}
