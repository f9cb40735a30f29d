// SVG charts of a comparison: one small panel per workload (each with its own scale, as throughputs differ
// a hundredfold between workloads), bars for etcd and Barge under each generator, medians over the runs.
// Hand-written: grouped bars need a few dozen lines, and a charting library would be a dependency (and, for
// the ones that render SVG outside a browser, a large one) for no more than that.

import type { Implementation } from '../../test/support/process-cluster.js';
import type { Case } from './cases.js';
import { GENERATOR_NAMES, isMeasured, NAMES, type Generator, type Measured } from './run.js';
import { median } from '../paired-runs.js';
import { manyKeysFigures, type ManyKeysFigures, type Pair } from './table.js';

interface Series {
  name: string;
  color: string;
}

interface Panel {
  title: string;
  groups: { label: string; values: (number | undefined)[] }[];
}

const PANEL_W = 300;
const PANEL_H = 190;
const COLUMNS = 3;
const PLOT = { left: 46, right: 8, top: 26, bottom: 34 };
/** etcd in blues, Barge in oranges; the Go generator's bars darker than the Node generator's. */
const COLORS: Record<Implementation, Record<Generator, string>> = {
  etcd: { node: '#9ecae1', go: '#3182bd' },
  barge: { node: '#fdae6b', go: '#e6550d' },
};

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The smallest 1, 2, 4, 6 or 8 × 10^k at or above `v`: the top of an axis whose quarters are round numbers. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(v: number): string {
  if (v >= 10_000) return `${Math.round(v / 1000)}k`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 10) return v.toFixed(0);
  return v.toPrecision(2);
}

function panelSvg(panel: Panel, series: readonly Series[], x0: number, y0: number): string {
  const w = PANEL_W - PLOT.left - PLOT.right;
  const h = PANEL_H - PLOT.top - PLOT.bottom;
  const all = panel.groups.flatMap((g) => g.values).filter((v): v is number => v !== undefined);
  const top = niceCeil(Math.max(0, ...all));
  const y = (v: number): number => y0 + PLOT.top + h - (v / top) * h;
  const out: string[] = [`<text x="${x0 + PANEL_W / 2}" y="${y0 + 14}" class="title">${escape(panel.title)}</text>`];
  for (let t = 0; t <= 4; t++) {
    const v = (top * t) / 4;
    out.push(`<line x1="${x0 + PLOT.left}" x2="${x0 + PLOT.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${x0 + PLOT.left - 4}" y="${(y(v) + 3).toFixed(1)}" class="tick">${short(v)}</text>`);
  }
  const groupW = w / panel.groups.length;
  const barW = Math.min(22, (groupW * 0.8) / series.length);
  panel.groups.forEach((g, gi) => {
    const gx = x0 + PLOT.left + gi * groupW + (groupW - barW * series.length) / 2;
    g.values.forEach((v, si) => {
      if (v === undefined) return;
      const bx = gx + si * barW;
      out.push(`<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${series[si]!.color}"><title>${escape(`${series[si]!.name}: ${v.toFixed(2)}`)}</title></rect>`);
      out.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${(y(v) - 2).toFixed(1)}" class="value">${short(v)}</text>`);
    });
    if (g.label !== '') out.push(`<text x="${(x0 + PLOT.left + (gi + 0.5) * groupW).toFixed(1)}" y="${y0 + PLOT.top + h + 14}" class="group">${escape(g.label)}</text>`);
  });
  return out.join('\n');
}

function chartSvg(title: string, series: readonly Series[], panels: readonly Panel[]): string {
  const rowsN = Math.ceil(panels.length / COLUMNS);
  const width = PANEL_W * COLUMNS;
  const legendH = 44;
  const height = legendH + rowsN * PANEL_H;
  const legend = series.map((s, i) => `<rect x="${10 + i * 150}" y="28" width="12" height="12" fill="${s.color}"/><text x="${26 + i * 150}" y="38" class="legend">${escape(s.name)}</text>`);
  const body = panels.map((p, i) => panelSvg(p, series, (i % COLUMNS) * PANEL_W, legendH + Math.floor(i / COLUMNS) * PANEL_H));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:11px;text-anchor:middle;font-weight:bold}.tick{font-size:9px;text-anchor:end;fill:#555}.value{font-size:8px;text-anchor:middle;fill:#333}.group{font-size:10px;text-anchor:middle}.legend{font-size:11px}.grid{stroke:#ddd;stroke-width:1}</style>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...legend,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Three charts (file name → SVG): throughput, latency percentiles, and CPU per request, per workload. */
export function compareCharts(pairs: readonly Pair[], cases: readonly Case[], generators: readonly Generator[], subtitle: string): Record<string, string> {
  const keys = generators.flatMap((g) => (['etcd', 'barge'] as const).map((impl) => ({ g, impl })));
  const series = keys.map(({ g, impl }) => ({ name: `${NAMES[impl]}, ${GENERATOR_NAMES[g]} generator`, color: COLORS[impl][g] }));
  const pick = (c: Case, f: (m: Measured) => number): (number | undefined)[] =>
    keys.map(({ g, impl }) =>
      median(
        pairs.flatMap((p) => {
          const r = p[impl]?.reports[`${c.id}/${g}`];
          return isMeasured(r) ? [f(r)] : [];
        }),
      ),
    );
  const unit = (c: Case): string => (c.workload === 'watch' ? 'events/s' : 'requests/s');
  const per = (c: Case): string => (c.workload === 'watch' ? 'event' : 'request');
  return {
    'compare-throughput.svg': chartSvg(
      `Throughput (higher is better), ${subtitle}`,
      series,
      cases.map((c) => ({ title: c.label, groups: [{ label: unit(c), values: pick(c, (m) => m.throughput) }] })),
    ),
    'compare-latency.svg': chartSvg(
      `Latency percentiles in ms (lower is better), ${subtitle}`,
      series,
      cases.map((c) => ({
        title: c.label,
        groups: [
          { label: 'p50', values: pick(c, (m) => m.latency.p50Ms) },
          { label: 'p90', values: pick(c, (m) => m.latency.p90Ms) },
          { label: 'p99', values: pick(c, (m) => m.latency.p99Ms) },
        ],
      })),
    ),
    'compare-cpu.svg': chartSvg(
      `CPU µs per request: all members, and the generator (lower is better), ${subtitle}`,
      series,
      cases.map((c) => ({
        title: c.label,
        groups: [
          { label: `members, per ${per(c)}`, values: pick(c, (m) => m.serverCpuUsPerOp) },
          { label: `generator, per ${per(c)}`, values: pick(c, (m) => m.clientCpuUsPerOp) },
        ],
      })),
    ),
  };
}

/** The many-keys stage (file name → SVG): members' RSS at each step, and the growth per key and per revision. */
export function memoryChart(pairs: readonly Pair[], cases: readonly Case[], subtitle: string): Record<string, string> {
  const impls = ['etcd', 'barge'] as const;
  const series = impls.map((impl) => ({ name: NAMES[impl], color: COLORS[impl].go }));
  const pick = (f: (m: ManyKeysFigures) => number | undefined): (number | undefined)[] =>
    impls.map((impl) => median(pairs.flatMap((p) => (p[impl] ? [f(manyKeysFigures(p[impl], cases))] : [])).filter((v): v is number => v !== undefined)));
  const keys = cases.find((c) => c.id === 'put-many')?.spec.total ?? 0;
  const revisions = cases.find((c) => c.id === 'put-revisions')?.spec.total;
  return {
    'compare-memory.svg': chartSvg(`Memory per member, ${keys.toLocaleString('en-US')} distinct keys (lower is better), ${subtitle}`, series, [
      {
        title: 'RSS per member, mean (MiB)',
        groups: [
          { label: 'fresh', values: pick((m) => m.fresh) },
          { label: 'after the keys', values: pick((m) => m.keys) },
          ...(revisions ? [{ label: 'and revisions', values: pick((m) => m.revisions) }] : []),
        ],
      },
      {
        title: 'RSS growth (B)',
        groups: [
          { label: 'per key', values: pick((m) => m.perKey) },
          ...(revisions ? [{ label: 'per revision', values: pick((m) => m.perRevision) }] : []),
        ],
      },
    ]),
  };
}
