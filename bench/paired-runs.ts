// Paired runs of etcd and Barge, one pair per run: a figure's median over the runs for each store, and the
// median of the per-run ratios (a ratio is taken within one run, where both stores met the same machine
// load), with each run's ratio beside it. bench:compare and the density run share it.

import type { Implementation } from '../test/support/process-cluster.js';

export type Paired<R> = Partial<Record<Implementation, R>>;

export function median(values: readonly number[]): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const times = (r: number | undefined): string => (r === undefined ? '—' : `${r.toFixed(2)}×`);

export interface PairedFigure {
  etcd: string;
  barge: string;
  /** The median of the per-run ratios Barge ÷ etcd. */
  ratio: string;
  /** Each run's ratio, in run order. */
  byRun: string;
}

/** One figure over the pairs; `pick` gives it for one store's run, undefined when not measured. */
export function pairedFigure<R>(pairs: readonly Paired<R>[], pick: (run: R, implementation: Implementation) => number | undefined, digits: number): PairedFigure {
  const values = (impl: Implementation): number[] => pairs.flatMap((p) => (p[impl] ? [pick(p[impl], impl)] : [])).filter((v): v is number => v !== undefined);
  const ratios = pairs.map((p) => {
    const e = p.etcd ? pick(p.etcd, 'etcd') : undefined;
    const b = p.barge ? pick(p.barge, 'barge') : undefined;
    return e !== undefined && b !== undefined && e > 0 ? b / e : undefined;
  });
  return {
    etcd: fmt(median(values('etcd')), digits),
    barge: fmt(median(values('barge')), digits),
    ratio: times(median(ratios.filter((r): r is number => r !== undefined))),
    byRun: ratios.map((r) => times(r)).join(', '),
  };
}
