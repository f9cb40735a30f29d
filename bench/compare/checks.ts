// The two checks that are not load runs: `etcdctl check perf` against a cluster, and the time from a SIGKILL
// of the leader to the first write another member accepts, over several kills.

import { spawn, type ChildProcess } from 'node:child_process';
import { hrtime } from 'node:process';
import type { ProcessCluster } from '../../test/support/process-cluster.js';
import { Connection } from '../load/grpc.js';
import { memberCpuSeconds } from './members.js';

export interface CheckPerf {
  load: string;
  pass: boolean;
  writesPerSec: number;
  /** The members' CPU time over the check's wall time, all members summed: how many cores they kept busy. */
  membersCores: number;
  output: string;
}

/**
 * Each load's write rate as etcdctl 3.4's check perf sends it (its checkPerfCfgMap); it passes when the
 * throughput it measures is over 90 % of that, the slowest request under 0.5 s and the stddev under 0.1 s.
 */
export const CHECK_PERF_LIMITS: Readonly<Record<string, number>> = { s: 150, m: 1000, l: 8000, xl: 15000 };

let checkPerfChild: ChildProcess | undefined;

/** Ends a running `etcdctl check perf` (the harness is stopping). */
export function stopCheckPerf(): void {
  checkPerfChild?.kill('SIGKILL');
}

export async function checkPerf(cluster: ProcessCluster, load: string, log: (message: string) => void): Promise<CheckPerf> {
  log(`etcdctl check perf --load=${load} (about a minute)`);
  return new Promise((resolvePerf) => {
    const child = spawn('etcdctl', [`--endpoints=${cluster.endpoints.join(',')}`, 'check', 'perf', `--load=${load}`], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    checkPerfChild = child;
    const sumCpu = (): number => memberCpuSeconds(cluster).reduce((a, b) => a + b, 0);
    const cpu0 = sumCpu();
    const t0 = hrtime.bigint();
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ticker = setInterval(() => log(`  check perf --load=${load} running`), 15_000);
    const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      checkPerfChild = undefined;
      clearInterval(ticker);
      clearTimeout(killer);
      const clean = output.replace(/\r/g, '\n');
      const throughput = /Throughput (?:is|too low:) (\d+) writes\/s/.exec(clean);
      const verdict = clean.trim().split('\n').pop()?.trim() ?? '';
      const pass = code === 0 && verdict === 'PASS';
      // The progress bar's last redraw and the first finding can share a line, and a failed latency
      // finding has no PASS/FAIL prefix of its own: take each finding wherever it is.
      const findings = [...clean.matchAll(/(?:(?:PASS|FAIL): )?(?:Throughput|Slowest request|Stddev)[^\n]*/g)].map((m) => m[0].trim());
      const lines = findings.length > 0 ? [...findings, verdict] : [];
      log(`  ${lines.join('; ') || `exit ${code}: ${clean.trim().slice(-200)}`}`);
      const membersCores = (sumCpu() - cpu0) / (Number(hrtime.bigint() - t0) / 1e9);
      resolvePerf({ load, pass, writesPerSec: throughput ? Number(throughput[1]) : 0, membersCores, output: lines.join('; ') || clean.trim().slice(-500) });
    });
  });
}

/** A new write goes out this often after the kill, without waiting for earlier ones: the figure's resolution. */
const FAILOVER_ATTEMPT_EVERY_MS = 20;
/** A write sent to a member that still follows the dead leader is lost; it fails after this. */
const FAILOVER_ATTEMPT_TIMEOUT_MS = 2000;

/**
 * SIGKILLs the leader and times the first write that any other member then accepts. Writes overlap: one
 * waiting out a timeout on a member that still forwards to the dead leader does not hold back the next, so
 * the figure is the election's, not a multiple of a retry cycle.
 */
export async function failover(cluster: ProcessCluster, log: (message: string) => void): Promise<number> {
  const leader = cluster.leader();
  const others = cluster.members.filter((m) => m !== leader);
  const connections = others.map((m) => new Connection(m.clientUrl.replace('http://', '')));
  let ticker: NodeJS.Timeout | undefined;
  try {
    // Connections are up and working before the kill, so that dialling is not timed.
    await Promise.all(connections.map((c) => c.unary('KV', 'Range', { key: Buffer.from('failover'), serializable: true }, 5000)));
    log(`SIGKILL to the leader (${leader.name}); timing the first successful write`);
    const t0 = hrtime.bigint();
    const killed = cluster.kill(leader, 'SIGKILL');
    const elapsed = await new Promise<number>((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      let attempt = 0;
      const send = (): void => {
        if (Date.now() > deadline) return reject(new Error('no write succeeded within 60 s of the SIGKILL'));
        const value = Buffer.from(`after-kill-${attempt++}`);
        for (const c of connections) {
          c.unary('KV', 'Put', { key: Buffer.from('failover'), value }, FAILOVER_ATTEMPT_TIMEOUT_MS).then(
            () => resolve(Number(hrtime.bigint() - t0) / 1e6),
            () => undefined,
          );
        }
      };
      ticker = setInterval(send, FAILOVER_ATTEMPT_EVERY_MS);
      send();
    });
    clearInterval(ticker);
    await killed;
    log(`  first write ${elapsed.toFixed(0)} ms after the SIGKILL`);
    return elapsed;
  } finally {
    clearInterval(ticker);
    for (const c of connections) c.close();
  }
}

/**
 * `kills` failovers in a row: one kill times a single draw of the randomized election timeout (10 to 19
 * ticks), too wide a spread for one figure per run. Between kills the killed member comes back and catches up.
 */
export async function failovers(cluster: ProcessCluster, kills: number, log: (message: string) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < kills; i++) {
    if (i > 0) await rejoined(cluster);
    const leader = cluster.leader();
    times.push(await failover(cluster, log));
    cluster.spawn(leader, 'existing');
  }
  await rejoined(cluster);
  return times;
}

/** Waits until every member is up, follows the same leader and has the same raft index. */
async function rejoined(cluster: ProcessCluster): Promise<void> {
  await cluster.waitHealthy();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = cluster.etcdctl(['endpoint', 'status', '-w', 'json']);
    if (status.status === 0) {
      const rows = JSON.parse(status.stdout) as { Status: { leader: number | string; raftIndex: number | string } }[];
      const same = (pick: (r: (typeof rows)[number]) => number | string): boolean => new Set(rows.map((r) => String(pick(r)))).size === 1;
      if (rows.length === cluster.members.length && same((r) => r.Status.leader) && same((r) => r.Status.raftIndex) && String(rows[0]!.Status.leader) !== '0') return;
    }
    if (Date.now() > deadline) throw new Error(`members did not catch up after the restart: ${status.stdout}${status.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
