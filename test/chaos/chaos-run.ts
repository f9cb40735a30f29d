// One chaos run: a real Barge cluster, clients and watchers on every member, and a nemesis that kills,
// pauses, partitions, slows and compacts for the given time; then everything heals and the history is
// judged (linearizability per key, watch guarantees, convergence, acknowledged writes).

import * as grpc from '@grpc/grpc-js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceDefinition } from '../../src/wire/proto.js';
import { SimRand } from '../sim/sim-rand.js';
import { sleep } from '../support/wait.js';
import { ChaosCluster, type ChaosMember } from './chaos-cluster.js';
import { judgeRun, type Verdict } from './checks.js';
import { RecordingWatcher, Workload } from './workload.js';

export type NemesisKind = 'kill' | 'pause' | 'partition' | 'delay' | 'compact' | 'membership';
export const ALL_NEMESES: readonly NemesisKind[] = ['kill', 'pause', 'partition', 'delay', 'compact', 'membership'];

export interface ChaosOptions {
  readonly members: number;
  readonly durationMs: number;
  readonly nemeses: readonly NemesisKind[];
  readonly seed: number;
  /** The negative control: reads served locally, which faults must expose as stale. */
  readonly serializableReads?: boolean;
  readonly clientsPerMember?: number;
  readonly keys?: number;
  readonly progress?: (line: string) => void;
  /** Where to save history and logs when the run fails. */
  readonly failureDir?: string;
}

// A type alias, not an interface, so it still fits Verdict's Record<string, number>.
export type ChaosStats = {
  readonly operations: number;
  readonly acknowledgedWrites: number;
  readonly unknownOutcomes: number;
  readonly unsettledOutcomes: number;
  readonly reads: number;
  readonly watchEvents: number;
  readonly keys: number;
  readonly faults: number;
};

export interface ChaosReport extends Verdict {
  readonly stats: ChaosStats;
  readonly faults: string[];
  /** Client errors by message (digits folded), most frequent first. */
  readonly errors: [string, number][];
}

type Pb = Record<string, any>;  
const MaintenanceClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Maintenance'), 'Maintenance');
const KvClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.KV'), 'KV');
const ClusterClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Cluster'), 'Cluster');

function unary(client: grpc.Client, method: string, request: Pb, timeoutMs = 2000): Promise<Pb | undefined> {
  return new Promise((resolve) => {
    (client as unknown as Record<string, (r: Pb, o: grpc.CallOptions, cb: (e: unknown, v: Pb) => void) => void>)[method]!(
      request,
      { deadline: Date.now() + timeoutMs },
      (err, value) => resolve(err ? undefined : value),
    );
  });
}

async function statusOf(member: ChaosMember): Promise<Pb | undefined> {
  const client = new MaintenanceClient(member.endpoint, grpc.credentials.createInsecure());
  try {
    return await unary(client, 'Status', {}, 500);
  } finally {
    client.close();
  }
}

async function leaderOf(cluster: ChaosCluster): Promise<ChaosMember | undefined> {
  for (const member of cluster.members) {
    if (!cluster.isRunning(member) || member.paused) continue;
    const status = await statusOf(member);
    if (status && String(status.leader) === String(status.header.member_id)) return member;
  }
  return undefined;
}


export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const rand = new SimRand(options.seed);
  const say = options.progress ?? (() => {});
  const cluster = await ChaosCluster.start(options.members, ['--snapshot-count=300', '--experimental-snapshot-catchup-entries=50']);
  const faults: string[] = [];
  const watchers: RecordingWatcher[] = [];
  const workload = new Workload({ keys: options.keys ?? 5, serializableReads: options.serializableReads ?? false, timeoutMs: 1500, random: () => rand.float() });
  try {
    if (!(await waitForLeader(cluster, 20_000))) throw new Error('the cluster elected no leader at start');
    for (const m of cluster.members) watchers.push(new RecordingWatcher(m.endpoint, () => workload.now()));
    for (const m of cluster.members) for (let i = 0; i < (options.clientsPerMember ?? 2); i++) workload.addClient(m.endpoint);

    const end = Date.now() + options.durationMs;
    let lastReport = 0;
    while (Date.now() < end) {
      const kind = options.nemeses[rand.intn(options.nemeses.length)]!;
      const fault = await inject(kind, cluster, rand, watchers);
      faults.push(fault);
      await sleep(rand.between(800, 2500));
      await healAll(cluster);
      await sleep(rand.between(500, 1500));
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        const left = Math.max(0, Math.round((end - Date.now()) / 1000));
        say(`chaos: ${faults.length} faults, ${workload.history.length} operations, ${left} s left`);
      }
    }
    // Every step after the faults is bounded, and says what it does: a run that cannot finish must
    // fail with the step it stopped at, not outlive its caller's timeout.
    const faultsEnded = Date.now();
    const step = (what: string) => say(`chaos: ${what} (${((Date.now() - faultsEnded) / 1000).toFixed(1)} s after the faults)`);
    await healAll(cluster);
    step('healed; waiting for a leader');
    const recovered = await waitForLeader(cluster, 30_000);
    await workload.stop();
    step('reading every key once more');
    // A final linearizable read of every key, after healing: acknowledged writes must still be there.
    const read = await finalReads(cluster, workload, 20_000);
    step('waiting for the members to converge');
    const converged = await waitConverged(cluster, 30_000);
    await sleep(1000);
    for (const w of watchers) w.stop();

    // Saved before judging, so that a checker that never finishes still leaves something to replay.
    if (options.failureDir) saveRun(options.failureDir, workload, watchers, cluster);
    step(`checking ${workload.history.length} operations and ${watchers.reduce((n, w) => n + w.events.length, 0)} watch events`);
    const failures: string[] = [];
    if (!recovered) failures.push(`no leader 30 s after the last fault healed (last faults: ${faults.slice(-5).join('; ')})`);
    if (read.unread.length > 0) failures.push(`no member answered the final read of ${read.unread.join(', ')} within 20 s`);
    if (!converged.ok) {
      // What each member last logged, and the faults before: a run in CI leaves nothing else to read.
      const tails = cluster.members.map((m) => `${m.name}: ${logTail(m, 12)}`);
      failures.push(`members did not converge: ${converged.detail} (last faults: ${faults.slice(-5).join('; ')}) ${tails.join(' ||| ')}`);
    }
    for (const m of cluster.members) {
      if (!cluster.isRunning(m)) failures.push(`${m.name} is not running; its log ends: ${logTail(m, 4)}`);
    }
    const judged = judgeRun(workload.history, watchers, converged.revision, Date.now() + 60_000);
    step('checked');
    failures.push(...judged.failures);
    const acknowledged = workload.history.filter((o) => o.output !== undefined && o.input.kind !== 'get').length;
    const report: ChaosReport = {
      ok: failures.length === 0,
      failures,
      faults,
      errors: [...workload.errors].sort((a, b) => b[1] - a[1]),
      stats: {
        operations: workload.history.length,
        acknowledgedWrites: acknowledged,
        unknownOutcomes: workload.history.filter((o) => o.output === undefined).length,
        unsettledOutcomes: judged.unsettled,
        reads: workload.history.filter((o) => o.input.kind === 'get').length,
        watchEvents: watchers.reduce((n, w) => n + w.events.length, 0),
        keys: judged.checkedKeys,
        faults: faults.length,
      },
    };
    if (options.failureDir) {
      if (report.ok) rmSync(options.failureDir, { recursive: true, force: true });
      else writeFileSync(join(options.failureDir, 'report.json'), JSON.stringify(report, null, 2));
    }
    return report;
  } finally {
    for (const w of watchers) w.stop();
    await workload.stop();
    await cluster.stop();
  }
}

async function inject(kind: NemesisKind, cluster: ChaosCluster, rand: SimRand, watchers: readonly RecordingWatcher[]): Promise<string> {
  const members = cluster.members;
  const any = (): ChaosMember => members[rand.intn(members.length)]!;
  const leaderFirst = async (): Promise<ChaosMember> => (rand.chance(0.5) ? ((await leaderOf(cluster)) ?? any()) : any());
  switch (kind) {
    case 'kill': {
      const victim = await leaderFirst();
      await cluster.kill(victim);
      return `kill ${victim.name}`;
    }
    case 'pause': {
      const victim = await leaderFirst();
      cluster.pause(victim);
      return `pause ${victim.name}`;
    }
    case 'partition': {
      const minority = Math.max(1, Math.floor((members.length - 1) / 2));
      const shuffled = [...members].sort(() => rand.float() - 0.5);
      const side = shuffled.slice(0, minority).map((m) => m.index);
      const other = shuffled.slice(minority).map((m) => m.index);
      cluster.network.partition(side, other);
      return `partition [${side.join(',')}] | [${other.join(',')}]`;
    }
    case 'delay': {
      const a = any();
      const b = members.find((m) => m !== a && rand.chance(0.5)) ?? members.find((m) => m !== a)!;
      const ms = rand.between(20, 200);
      cluster.network.slow(a.index, b.index, ms);
      return `delay ${a.name}<->${b.name} ${ms} ms`;
    }
    case 'membership':
      return replaceMember(cluster, any());
    case 'compact': {
      // Only behind every watcher, so compaction itself never cancels a watch in this run.
      const safe = Math.min(...watchers.map((w) => w.nextRevision)) - 1;
      const target = members.find((m) => cluster.isRunning(m) && !m.paused);
      if (!target || safe < 2) return 'compact (skipped)';
      const client = new KvClient(target.endpoint, grpc.credentials.createInsecure());
      await unary(client, 'Compact', { revision: safe });
      client.close();
      return `compact ${safe}`;
    }
  }
}

/** Removes a member, wipes its data and adds it back as a new member that catches up from the others. */
async function replaceMember(cluster: ChaosCluster, victim: ChaosMember): Promise<string> {
  const via = cluster.members.find((m) => m !== victim && cluster.isRunning(m) && !m.paused);
  if (!via) return 'replace (skipped)';
  const client = new ClusterClient(via.endpoint, grpc.credentials.createInsecure());
  try {
    const list = await unary(client, 'MemberList', {});
    const entry = (list?.members as Pb[] | undefined)?.find((m) => (m.peerURLs as string[]).includes(victim.advertisedPeerUrl));
    if (!entry) return 'replace (skipped)';
    if (!(await unary(client, 'MemberRemove', { ID: entry.ID }, 5000))) {
      // A remove that timed out may still have been applied; only a member still listed is left alone.
      const after = await unary(client, 'MemberList', {});
      const stillListed = (after?.members as Pb[] | undefined)?.some((m) => (m.peerURLs as string[]).includes(victim.advertisedPeerUrl));
      if (after === undefined || stillListed) return `replace ${victim.name} (remove failed)`;
    }
    await cluster.wipe(victim);
    // The cluster is one short until the add lands: keep trying (a fault may be healing elsewhere).
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (await unary(client, 'MemberAdd', { peerURLs: [victim.advertisedPeerUrl] }, 3000)) {
        cluster.spawn(victim);
        return `replace ${victim.name}`;
      }
      await sleep(250);
    }
    throw new Error(`could not add ${victim.name} back within 30 s`);
  } finally {
    client.close();
  }
}

async function healAll(cluster: ChaosCluster): Promise<void> {
  cluster.network.heal();
  for (const m of cluster.members) {
    if (m.paused) cluster.resume(m);
    if (!cluster.isRunning(m)) cluster.spawn(m);
  }
}

async function waitForLeader(cluster: ChaosCluster, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await leaderOf(cluster)) return true;
    await sleep(200);
  }
  return false;
}

/** Reads every key once, from whichever member answers, within `timeoutMs`; returns the keys never read. */
async function finalReads(cluster: ChaosCluster, workload: Workload, timeoutMs: number): Promise<{ unread: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const unread = [...new Set(workload.history.map((o) => o.key))];
  const clients = cluster.members.map((m) => new KvClient(m.endpoint, grpc.credentials.createInsecure()));
  try {
    for (let attempt = 0; unread.length > 0 && Date.now() < deadline; attempt++) {
      const key = unread[0]!;
      const call = workload.now();
      const response = await unary(clients[attempt % clients.length]!, 'Range', { key: Buffer.from(key) }, Math.min(2000, Math.max(1, deadline - Date.now())));
      if (!response) {
        await sleep(100);
        continue;
      }
      const value = response.kvs?.length ? Buffer.from(response.kvs[0].value).toString() : null;
      workload.history.push({ key, client: -1, input: { kind: 'get' }, output: { value }, call, ret: workload.now() });
      unread.shift();
    }
    return { unread };
  } finally {
    for (const client of clients) client.close();
  }
}

/** Waits until every member reports the same revision and HashKV; returns that revision. */
async function waitConverged(cluster: ChaosCluster, timeoutMs: number): Promise<{ ok: boolean; detail: string; revision: number }> {
  const deadline = Date.now() + timeoutMs;
  let detail = '';
  let revision = 0;
  while (Date.now() < deadline) {
    const views: string[] = [];
    for (const m of cluster.members) {
      const client = new MaintenanceClient(m.endpoint, grpc.credentials.createInsecure());
      const hash = await unary(client, 'HashKV', { revision: 0 }, 1000);
      client.close();
      views.push(hash ? `${String(hash.header.revision)}:${hash.hash}` : 'unreachable');
      if (hash) revision = Math.max(revision, Number(String(hash.header.revision)));
    }
    detail = views.join(' ');
    if (!views.includes('unreachable') && new Set(views).size === 1) return { ok: true, detail, revision };
    await sleep(300);
  }
  return { ok: false, detail, revision };
}

function saveRun(dir: string, workload: Workload, watchers: readonly RecordingWatcher[], cluster: ChaosCluster): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'history.json'), JSON.stringify(workload.history, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v)));
  writeFileSync(join(dir, 'watches.json'), JSON.stringify(watchers.map((w) => ({ endpoint: w.endpoint, events: w.events, problems: w.problems }))));
  for (const m of cluster.members) writeFileSync(join(dir, `${m.name}.log`), m.log);
}

/** The last `lines` lines of a member's log, on one line. */
function logTail(member: ChaosMember, lines: number): string {
  return member.log.trimEnd().split('\n').slice(-lines).join(' | ');
}
