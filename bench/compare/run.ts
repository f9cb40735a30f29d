// One implementation's part of a paired run: a 3-member cluster warmed up, then every workload driven by the
// Node generator and (when built) the Go one, each with the members' CPU sampled over exactly its timed
// phase; RSS, data dirs, `etcdctl check perf`, leader failover; then a 5-member put and (optionally) many keys.

import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessCluster, type Implementation } from '../../test/support/process-cluster.js';
import { ms, progressPrinter } from '../load/report.js';
import { runLoad } from '../load/runner.js';
import { caseLoad, seedRangeKey, type Case } from './cases.js';
import { checkPerf, failovers, type CheckPerf } from './checks.js';
import { runGoLoad, type GeneratorFigures } from './go-load.js';
import { deadMembers, memberCpuSeconds, memberFigures, type MemberFigures } from './members.js';

export const NAMES: Record<Implementation, string> = { etcd: 'etcd', barge: 'Barge' };
export type Generator = 'node' | 'go';
export const GENERATOR_NAMES: Record<Generator, string> = { node: 'Node', go: 'Go' };

/** One workload's figures from one generator, with the members' CPU over its timed phase. */
export interface Measured extends GeneratorFigures {
  generator: Generator;
  /** CPU of all members per request (watch: per event delivered), in µs. */
  serverCpuUsPerOp: number;
  /** The leader's part of serverCpuUsPerOp, as a fraction. */
  leaderCpuShare: number;
}

export type Outcome = Measured | { failed: string };

export interface Run {
  /** By `${case id}/${generator}`. */
  reports: Record<string, Outcome>;
  members: MemberFigures[];
  members5: MemberFigures[];
  /** The many-keys cluster's members when it started, after the distinct keys, and after the extra revisions. */
  membersBeforeManyKeys: MemberFigures[];
  membersManyKeys: MemberFigures[];
  membersManyRevisions: MemberFigures[];
  checkPerf: CheckPerf[];
  /** Leader SIGKILL → first successful write, one figure per kill. */
  failoverKillsMs?: number[];
  failoverError?: string;
  /** CPU of the three members while idle after the warm-up, in ms per second. */
  idleCpuMsPerSec?: number;
  notes: string[];
}

export interface RunOptions {
  workers: number;
  /** The Go generator's binary, when built. */
  go: string | undefined;
  flags: string[];
  /** `etcdctl check perf` loads to run (none in later paired runs). */
  checkPerfLoads: string[];
  /** Leader SIGKILLs per run; the run's figure is their median. */
  failoverKills: number;
  matrix: Case[];
  five: Case;
  /** Untimed load on each fresh cluster. */
  warmUp: Case[];
  manyKeys: Case | undefined;
  /** Puts over the many keys after them, each a new revision of one of them. */
  manyRevisions: Case | undefined;
  /** Only the many-keys stage: no workload matrix, 5-member put or checks. */
  rssOnly: boolean;
  /** Only the checks on the 3-member cluster: no 5-member put. */
  checksOnly: boolean;
  log: (message: string) => void;
}

export function isMeasured(r: Outcome | undefined): r is Measured {
  return r !== undefined && !('failed' in r);
}

let active: ProcessCluster | undefined;

/** Stops the cluster being measured (the harness is stopping). */
export async function stopActiveCluster(): Promise<void> {
  const cluster = active;
  active = undefined;
  await cluster?.stop();
}

async function withCluster<T>(size: number, implementation: Implementation, o: RunOptions, body: (cluster: ProcessCluster) => Promise<T>): Promise<T> {
  o.log(`starting a ${size}-member ${NAMES[implementation]} cluster`);
  // Members started on a machine that other work keeps busy can take far longer than tests allow them.
  const cluster = await ProcessCluster.start(size, implementation, o.flags, undefined, { startTimeoutMs: 120_000 });
  active = cluster;
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
    active = undefined;
    o.log(`stopped the ${size}-member ${NAMES[implementation]} cluster and removed its data dirs`);
  }
}

async function measure(implementation: Implementation, cluster: ProcessCluster, c: Case, generator: Generator, o: RunOptions): Promise<Outcome> {
  const leader = cluster.members.indexOf(cluster.leader());
  const spec = caseLoad(cluster, c, { workers: o.workers }, leader);
  o.log(`${NAMES[implementation]}: ${c.label} (${GENERATOR_NAMES[generator]} generator)`);
  let before: number[] | undefined;
  const onTimedPhase = (): void => {
    before = memberCpuSeconds(cluster);
  };
  try {
    let figures: Omit<Measured, 'serverCpuUsPerOp' | 'leaderCpuShare'>;
    if (generator === 'node') {
      const progress = progressPrinter(`  ${implementation} ${c.id}`);
      const r = await runLoad(spec, progress.update, onTimedPhase).finally(() => progress.done());
      figures = { generator, count: r.count, errors: r.errors, errorMessages: r.errorMessages, elapsedSec: r.elapsedSec, throughput: r.throughput, latency: r.latency, clientCpuUsPerOp: r.clientCpuUsPerOp, eventResponses: r.eventResponses };
    } else {
      const r = await runGoLoad(o.go!, spec, onTimedPhase, 20 * 60_000);
      figures = { ...r, generator };
    }
    const after = memberCpuSeconds(cluster);
    const used = after.map((t, i) => t - (before?.[i] ?? t));
    const sum = used.reduce((a, b) => a + b, 0);
    const measured: Measured = {
      ...figures,
      serverCpuUsPerOp: figures.count > 0 ? (sum * 1e6) / figures.count : 0,
      leaderCpuShare: sum > 0 && leader >= 0 ? used[leader]! / sum : 0,
    };
    const errors = measured.errors > 0 ? `, ${measured.errors} errors (${Object.keys(measured.errorMessages)[0]})` : '';
    o.log(
      `  ${Math.round(measured.throughput)}/s, p50 ${ms(measured.latency.p50Ms)} ms, p99 ${ms(measured.latency.p99Ms)} ms, members ${measured.serverCpuUsPerOp.toFixed(0)} µs CPU per op (leader ${Math.round(100 * measured.leaderCpuShare)} %), generator ${measured.clientCpuUsPerOp.toFixed(0)} µs${errors}`,
    );
    return measured;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    o.log(`  failed: ${message}`);
    return { failed: message };
  }
}

async function measureCase(implementation: Implementation, cluster: ProcessCluster, c: Case, run: Run, o: RunOptions, reported: Set<string>): Promise<void> {
  for (const generator of o.go ? (['node', 'go'] as const) : (['node'] as const)) {
    run.reports[`${c.id}/${generator}`] = await measure(implementation, cluster, c, generator, o);
    run.notes.push(...deadMembers(cluster, NAMES[implementation], reported, o.log).map((d) => `${d} after ${c.label} (${GENERATOR_NAMES[generator]})`));
  }
}

async function warmUp(cluster: ProcessCluster, o: RunOptions): Promise<void> {
  await seedRangeKey(cluster);
  for (const c of o.warmUp) {
    o.log(`  ${c.label} (untimed)`);
    const spec = caseLoad(cluster, c, { workers: o.workers });
    // The Go generator when built: the lighter of the two, it leaves the members more of the machine.
    if (o.go) await runGoLoad(o.go, spec, () => {}, 20 * 60_000);
    else await runLoad(spec);
  }
}

export async function runImplementation(implementation: Implementation, o: RunOptions): Promise<Run> {
  const run: Run = { reports: {}, members: [], members5: [], membersBeforeManyKeys: [], membersManyKeys: [], membersManyRevisions: [], checkPerf: [], notes: [] };
  const reported = new Set<string>();
  if (!o.rssOnly) await workloads(implementation, o, run, reported);
  await manyKeys(implementation, o, run);
  return run;
}

/** The workload matrix on a 3-member cluster, the checks, then (unless only the checks) the 5-member put. */
async function workloads(implementation: Implementation, o: RunOptions, run: Run, reported: Set<string>): Promise<void> {
  await withCluster(3, implementation, o, async (cluster) => {
    await warmUp(cluster, o);
    const idle0 = memberCpuSeconds(cluster).reduce((a, b) => a + b, 0);
    await sleep(5000);
    run.idleCpuMsPerSec = ((memberCpuSeconds(cluster).reduce((a, b) => a + b, 0) - idle0) * 1000) / 5;
    o.log(`  idle: ${run.idleCpuMsPerSec.toFixed(1)} ms of member CPU per second`);
    for (const c of o.matrix) await measureCase(implementation, cluster, c, run, o, reported);
    run.members = memberFigures(cluster);
    o.log(`RSS ${run.members.map((m) => `${m.name} ${m.rssMiB.toFixed(0)} MiB`).join(', ')}; data dirs ${run.members.map((m) => `${m.dataDirMiB.toFixed(1)} MiB`).join(', ')}`);
    for (const load of o.checkPerfLoads) {
      run.checkPerf.push(await checkPerf(cluster, load, o.log));
      run.notes.push(...deadMembers(cluster, NAMES[implementation], reported, o.log).map((d) => `${d} before check perf --load=${load} ended`));
    }
    const down = cluster.members.filter((m) => m.process?.exitCode !== null || m.process?.signalCode !== null);
    if (down.length > 0) {
      run.failoverError = `not measured: ${down.map((m) => m.name).join(', ')} had already exited`;
      o.log(`  failover ${run.failoverError}`);
    } else {
      try {
        run.failoverKillsMs = await failovers(cluster, o.failoverKills, o.log);
      } catch (err) {
        run.failoverError = `failed: ${err instanceof Error ? err.message : String(err)}`;
        o.log(`  failover ${run.failoverError}`);
      }
    }
  });
  if (o.checksOnly) return;
  await stage(implementation, o, run, o.five.label, 5, async (cluster) => {
    await warmUp(cluster, o);
    await measureCase(implementation, cluster, o.five, run, o, reported);
    run.members5 = memberFigures(cluster);
  });
}

/** A later stage whose cluster does not come up is noted under the table; the figures so far stand. */
async function stage(implementation: Implementation, o: RunOptions, run: Run, what: string, size: number, body: (cluster: ProcessCluster) => Promise<void>): Promise<void> {
  try {
    await withCluster(size, implementation, o, body);
  } catch (err) {
    const message = `${NAMES[implementation]} ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    o.log(message);
    run.notes.push(message);
  }
}

/** Many distinct keys on a fresh 3-member cluster, then (if asked) more revisions of them: RSS at each step. */
async function manyKeys(implementation: Implementation, o: RunOptions, run: Run): Promise<void> {
  const many = o.manyKeys;
  if (!many) return;
  const rss = (members: MemberFigures[]): string => members.map((m) => `${m.name} ${m.rssMiB.toFixed(0)} MiB`).join(', ');
  await stage(implementation, o, run, many.label, 3, async (cluster) => {
    run.membersBeforeManyKeys = memberFigures(cluster);
    o.log(`RSS ${rss(run.membersBeforeManyKeys)}`);
    // Node generator only: the figure is the members' RSS after the keys, not a second ruler.
    run.reports[`${many.id}/node`] = await measure(implementation, cluster, many, 'node', o);
    run.membersManyKeys = memberFigures(cluster);
    o.log(`RSS ${rss(run.membersManyKeys)}`);
    const revisions = o.manyRevisions;
    if (!revisions) return;
    run.reports[`${revisions.id}/node`] = await measure(implementation, cluster, revisions, 'node', o);
    run.membersManyRevisions = memberFigures(cluster);
    o.log(`RSS ${rss(run.membersManyRevisions)}`);
  });
}
