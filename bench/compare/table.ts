// The comparison table over paired runs (bench/paired-runs.ts): for every figure the median of etcd's
// values, the median of Barge's, and the median of the per-run ratios, with each run's ratio beside it when
// there was more than one.

import type { Implementation } from '../../test/support/process-cluster.js';
import { unitOf, type Case } from './cases.js';
import type { MemberFigures } from './members.js';
import { GENERATOR_NAMES, isMeasured, type Generator, type Measured, type Run } from './run.js';
import { CHECK_PERF_LIMITS } from './checks.js';
import { fmt, median, pairedFigure, type Paired, type PairedFigure } from '../paired-runs.js';

export type Pair = Paired<Run>;

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** A figure of one implementation in one run, if measured. */
type Pick = (run: Run, implementation: Implementation) => number | undefined;

interface Row extends PairedFigure {
  label: string;
  generator: string;
}

/** The median row of a figure over the pairs. */
function row(pairs: readonly Pair[], label: string, generator: string, pick: Pick, digits: number): Row {
  return { label, generator, ...pairedFigure(pairs, pick, digits) };
}

/** The many-keys stage of one run: members' mean RSS (MiB) at each step, and the growth per key and per revision (B). */
export interface ManyKeysFigures {
  fresh?: number;
  keys?: number;
  revisions?: number;
  perKey?: number;
  perRevision?: number;
}

export function manyKeysFigures(run: Run, cases: readonly Case[]): ManyKeysFigures {
  const rssMean = (members: MemberFigures[]): number | undefined => (members.length > 0 ? mean(members.map((m) => m.rssMiB)) : undefined);
  const countOf = (id: string): number | undefined => cases.find((c) => c.id === id)?.spec.total;
  const per = (from: number | undefined, to: number | undefined, items: number | undefined): number | undefined =>
    from !== undefined && to !== undefined && items ? ((to - from) * 1024 * 1024) / items : undefined;
  const fresh = rssMean(run.membersBeforeManyKeys);
  const keys = rssMean(run.membersManyKeys);
  const revisions = rssMean(run.membersManyRevisions);
  return { fresh, keys, revisions, perKey: per(fresh, keys, countOf('put-many')), perRevision: per(keys, revisions, countOf('put-revisions')) };
}

function manyKeysRows(pairs: readonly Pair[], cases: readonly Case[]): Row[] {
  const pick = (f: (m: ManyKeysFigures) => number | undefined): Pick => (run) => f(manyKeysFigures(run, cases));
  const out = [
    row(pairs, 'RSS per member on the fresh cluster for the many keys, mean (MiB)', '', pick((m) => m.fresh), 0),
    row(pairs, 'RSS per member after the many distinct keys, mean (MiB)', '', pick((m) => m.keys), 0),
    row(pairs, 'RSS growth per distinct key, mean of members (B)', '', pick((m) => m.perKey), 0),
  ];
  if (cases.some((c) => c.id === 'put-revisions')) {
    out.push(
      row(pairs, 'RSS per member after the extra revisions, mean (MiB)', '', pick((m) => m.revisions), 0),
      row(pairs, 'RSS growth per extra revision, mean of members (B)', '', pick((m) => m.perRevision), 0),
    );
  }
  return out;
}

function measured(run: Run, key: string): Measured | undefined {
  const r = run.reports[key];
  return isMeasured(r) ? r : undefined;
}

/** Failures and errors of one case, for the notes under the table. */
export function failures(pairs: readonly Pair[], c: Case, generator: Generator): string[] {
  const out: string[] = [];
  pairs.forEach((p, i) => {
    for (const impl of ['etcd', 'barge'] as const) {
      const r = p[impl]?.reports[`${c.id}/${generator}`];
      if (r === undefined) continue;
      if (!isMeasured(r)) out.push(`run ${i + 1}, ${impl}, ${c.label} (${GENERATOR_NAMES[generator]}): failed: ${r.failed.slice(0, 120)}`);
      else if (r.errors > 0) out.push(`run ${i + 1}, ${impl}, ${c.label} (${GENERATOR_NAMES[generator]}): ${r.errors} errors (${Object.keys(r.errorMessages)[0]})`);
    }
  });
  return out;
}

export function rows(pairs: readonly Pair[], cases: readonly Case[], generators: readonly Generator[]): Row[] {
  const out: Row[] = [];
  for (const c of cases) {
    for (const g of generators) {
      const key = `${c.id}/${g}`;
      if (!pairs.some((p) => Object.values(p).some((run) => run.reports[key] !== undefined))) continue;
      const name = GENERATOR_NAMES[g];
      const fig = (f: (m: Measured) => number | undefined): Pick => (run) => {
        const m = measured(run, key);
        return m ? f(m) : undefined;
      };
      out.push(row(pairs, `${c.label}: ${unitOf(c)}`, name, fig((m) => m.throughput), 0));
      out.push(row(pairs, `${c.label}: p50 ms`, name, fig((m) => m.latency.p50Ms), 2));
      out.push(row(pairs, `${c.label}: p99 ms`, name, fig((m) => m.latency.p99Ms), 1));
      out.push(row(pairs, `${c.label}: members' CPU µs per ${c.workload === 'watch' ? 'event' : 'request'}`, name, fig((m) => m.serverCpuUsPerOp), 0));
      out.push(row(pairs, `${c.label}: generator CPU µs per ${c.workload === 'watch' ? 'event' : 'request'}`, name, fig((m) => m.clientCpuUsPerOp), 0));
      // Each response is decoded apart: how many events one carried is part of the client's cost per event.
      if (c.workload === 'watch' && g === 'node') {
        out.push(row(pairs, `${c.label}: events per response`, name, fig((m) => (m.eventResponses ? m.count / m.eventResponses : undefined)), 1));
      }
    }
  }
  const member = (list: (run: Run) => MemberFigures[], f: (members: MemberFigures[]) => number): Pick => (run) => {
    const members = list(run);
    return members.length > 0 ? f(members) : undefined;
  };
  out.push(row(pairs, 'RSS per member after the 3-member workloads, mean (MiB)', '', member((r) => r.members, (l) => mean(l.map((m) => m.rssMiB))), 0));
  out.push(row(pairs, 'peak RSS of any member, VmHWM (MiB)', '', member((r) => r.members, (l) => Math.max(...l.map((m) => m.peakRssMiB))), 0));
  out.push(row(pairs, 'data dir per member, mean (MiB on disk)', '', member((r) => r.members, (l) => mean(l.map((m) => m.dataDirMiB))), 1));
  out.push(row(pairs, 'RSS per member after the 5-member put, mean (MiB)', '', member((r) => r.members5, (l) => mean(l.map((m) => m.rssMiB))), 0));
  if (pairs.some((p) => (p.barge?.membersManyKeys.length ?? 0) > 0 || (p.etcd?.membersManyKeys.length ?? 0) > 0)) {
    out.push(...manyKeysRows(pairs, cases));
  }
  out.push(row(pairs, 'members idle after the warm-up: CPU ms per second, 3 members', '', (r) => r.idleCpuMsPerSec, 1));
  out.push(row(pairs, 'leader SIGKILL → first successful write, median of the kills (ms)', '', (r) => r.failoverKillsMs && median(r.failoverKillsMs), 0));
  for (const [load, limit] of Object.entries(CHECK_PERF_LIMITS)) {
    if (!pairs.some((p) => Object.values(p).some((run) => run.checkPerf.some((c) => c.load === load)))) continue;
    const r = row(pairs, `etcdctl check perf --load=${load}: writes/s (passes over ${fmt(0.9 * limit)})`, '', (run) => run.checkPerf.find((c) => c.load === load)?.writesPerSec, 0);
    const withVerdict = (impl: Implementation, figure: string): string => {
      const verdicts = pairs.flatMap((p) => p[impl]?.checkPerf.filter((c) => c.load === load) ?? []).map((c) => (c.pass ? 'PASS' : 'FAIL'));
      return verdicts.length === 0 ? figure : `${verdicts.join('/')}, ${figure}`;
    };
    out.push({ ...r, etcd: withVerdict('etcd', r.etcd), barge: withVerdict('barge', r.barge) });
    out.push(row(pairs, `etcdctl check perf --load=${load}: members' CPU, cores busy`, '', (run) => run.checkPerf.find((c) => c.load === load)?.membersCores, 2));
  }
  return out;
}

export function markdownTable(table: readonly Row[], runs: number): string {
  const byRun = runs > 1;
  const head = ['workload', 'generator', 'etcd', 'Barge', runs > 1 ? 'Barge ÷ etcd (median of ratios)' : 'Barge ÷ etcd', ...(byRun ? ['ratio in each run'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  // A figure neither side measured (the matrix's rows in an --rss-only run) says nothing.
  for (const r of table.filter((r) => r.etcd !== '—' || r.barge !== '—')) lines.push(`| ${[r.label, r.generator, r.etcd, r.barge, r.ratio, ...(byRun ? [r.byRun] : [])].join(' | ')} |`);
  return lines.join('\n');
}

/** The leader's share of the members' CPU per case and generator (median over runs), etcd / Barge. */
export function leaderShares(pairs: readonly Pair[], cases: readonly Case[], generators: readonly Generator[]): string {
  const parts: string[] = [];
  for (const c of cases) {
    for (const g of generators) {
      const share = (impl: Implementation): string => {
        const m = median(pairs.flatMap((p) => (p[impl] ? [measured(p[impl], `${c.id}/${g}`)?.leaderCpuShare] : [])).filter((v): v is number => v !== undefined));
        return m === undefined ? '—' : `${Math.round(100 * m)} %`;
      };
      parts.push(`${c.id} (${GENERATOR_NAMES[g]}) ${share('etcd')} / ${share('barge')}`);
    }
  }
  return parts.join(', ');
}
