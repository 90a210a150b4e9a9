//! The fleet as a picture: resources by status, AWS calls per second by operation, and the operator's RSS over
//! one benchmark run, with the floor marked, drawn by Vega-Lite (rendered to SVG by Vega, no browser).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface FleetSeries {
  /** Seconds since the burst began → resources whose .status shows each AWS status (or none yet). */
  statuses: { t: number; status: string; count: number }[];
  /** Seconds since the burst began → calls per second by operation. */
  calls: { t: number; operation: string; perSecond: number }[];
  /** Seconds since the burst began → the operator's RSS in MB. */
  rss: { t: number; mb: number }[];
  /** The floor: the time the emulator's rate limit and the jobs' own length alone take. */
  floorSeconds: number;
  title: string;
}

const WIDTH = 720;
const HEIGHT = 170;

/** One chart of the stack, over time, with the floor as a labelled rule. */
function panel(
  title: string,
  values: object[],
  y: { field: string; title: string },
  color: string | undefined,
  floorSeconds: number,
) {
  const x = { field: 't', type: 'quantitative' as const, title: 'seconds since the burst began' };
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line' as const, interpolate: 'step-after' as const },
        encoding: {
          x,
          y: { field: y.field, type: 'quantitative' as const, title: y.title },
          ...(color
            ? {
                color: {
                  field: color,
                  type: 'nominal' as const,
                  // The legend sits beside the lines it names.
                  legend: { orient: 'right' as const, title: null },
                },
              }
            : {}),
        },
      },
      {
        data: { values: [{ t: floorSeconds, label: `floor ${floorSeconds.toFixed(0)} s` }] },
        layer: [
          { mark: { type: 'rule' as const, strokeDash: [6, 4], color: 'black' }, encoding: { x } },
          {
            mark: { type: 'text' as const, align: 'left' as const, dx: 4, dy: -4, baseline: 'top' as const },
            encoding: { x, y: { value: 0 }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

export async function fleetSvg(series: FleetSeries): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: series.title,
    vconcat: [
      panel(
        'Resources by AWS status',
        series.statuses,
        { field: 'count', title: 'resources' },
        'status',
        series.floorSeconds,
      ),
      panel(
        'AWS calls per second',
        series.calls,
        { field: 'perSecond', title: 'calls/s' },
        'operation',
        series.floorSeconds,
      ),
      panel(
        'Operator memory',
        series.rss,
        { field: 'mb', title: 'RSS (MB)' },
        undefined,
        series.floorSeconds,
      ),
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/**
 * Counts per second of the statuses resources showed: from when each was applied (no status yet), then from
 * when each status was first seen on it.
 */
export function statusTimeline(
  applied: Map<string, number>,
  seen: Map<string, Map<string, number>>,
  start: number,
  end: number,
): FleetSeries['statuses'] {
  const order = ['(none)', 'CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE', 'CREATE FAILED'];
  const out: FleetSeries['statuses'] = [];
  for (let at = start; at <= end + 1000; at += 1000) {
    const counts = new Map(order.map((s) => [s, 0]));
    for (const [name, appliedAt] of applied) {
      if (appliedAt > at) continue;
      const statuses = seen.get(name) ?? new Map<string, number>();
      let current = '(none)';
      let latest = -1;
      for (const [status, since] of statuses)
        if (since <= at && since > latest) [current, latest] = [status, since];
      counts.set(current, (counts.get(current) ?? 0) + 1);
    }
    for (const [status, count] of counts) out.push({ t: (at - start) / 1000, status, count });
  }
  return out;
}
