// --pre-vote, shown by its effect: a member of a three-member cluster whose peers never come up cannot win
// an election. Without pre-vote it starts one after another, each in a higher term (etcd 3.4's default);
// with pre-vote it first asks whether it could win, and its term stays where it was. Barge runs pre-vote
// when the flag is not given (etcd 3.5's default).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

interface Lonely {
  readonly clientUrl: string;
  readonly process: ChildProcess;
  log: string;
}

let dir: string;
const started: Lonely[] = [];

/** A member whose two peers are listed but never started; `flags` added. */
async function startLonely(name: string, flags: readonly string[]): Promise<Lonely> {
  const clientUrl = `http://127.0.0.1:${await freePort()}`;
  const peers = await Promise.all(['a', 'b', 'c'].map(async (p) => `${p}=http://127.0.0.1:${await freePort()}`));
  const own = peers[0]!.slice(2);
  const args = [
    BARGE_BIN,
    '--name=a',
    `--data-dir=${join(dir, name)}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${own}`,
    `--initial-advertise-peer-urls=${own}`,
    `--initial-cluster=${peers.join(',')}`,
    '--heartbeat-interval=50',
    '--election-timeout=300',
    ...flags,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const lonely: Lonely = { clientUrl, process: child, log: '' };
  child.stderr!.on('data', (chunk: Buffer) => (lonely.log += chunk.toString()));
  started.push(lonely);
  return lonely;
}

/**
 * The raft term of the member's last role change in its log ("<id> became candidate at term 3", as etcd's
 * raft logs them); undefined before the first. A member that never wins serves no client (it is never
 * ready), so its log is where its term shows.
 */
function termOf(member: Lonely): number | undefined {
  const terms = [...member.log.matchAll(/ became [a-z-]+ at term (\d+)/g)].map((m) => Number(m[1]));
  return terms.length > 0 ? Math.max(...terms) : undefined;
}

/** The member's term once it has campaigned at least once (a pre-candidate or a candidate). */
async function campaignedTerm(member: Lonely): Promise<number> {
  await until('the member to campaign', () => / became (pre-)?candidate at term /.test(member.log) || member.process.exitCode !== null, { timeoutMs: 30_000, pollMs: 100 });
  const term = termOf(member);
  expect(term, member.log).toBeDefined();
  return term!;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'barge-pre-vote-'));
});

afterAll(() => {
  for (const member of started) member.process.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('--pre-vote', () => {
  it('false: a member that cannot win raises its term with every election; true, or not given: its term stays', async () => {
    const without = await startLonely('without', ['--pre-vote=false']);
    const withPreVote = await startLonely('with', ['--pre-vote']);
    const byDefault = await startLonely('default', []);
    const before = { with: await campaignedTerm(withPreVote), byDefault: await campaignedTerm(byDefault) };
    const firstWithout = await campaignedTerm(without);
    await until('five more elections without pre-vote', () => (termOf(without) ?? 0) >= firstWithout + 5, { timeoutMs: 60_000, pollMs: 300 });
    // Meanwhile the others' election timeouts ran out as often: their terms did not move.
    expect(termOf(withPreVote)).toBe(before.with);
    expect(termOf(byDefault)).toBe(before.byDefault);
  }, 120_000);
});
