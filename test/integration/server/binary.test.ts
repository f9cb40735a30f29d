// The barge binary itself: `--version` as etcd prints it, and `barge cluster` (the README's first
// command) starts a cluster that etcdctl uses, stops on Ctrl-C and comes back with its data.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, clusterBasePort, exitCodeWithin } from '../../support/process-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'barge-binary-'));
/** `barge cluster` processes still running when the test ends (it failed): killed with their members. */
const running = new Set<ReturnType<typeof spawn>>();
afterAll(async () => {
  await Promise.all([...running].map((child) => stopped(child)));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `barge cluster` until it says it is up; resolves with the process and what it printed. Fails at
 * once, with what it printed, should it exit first (a member that could not start stops them all).
 */
function startLocalCluster(args: string[]): Promise<{ child: ReturnType<typeof spawn>; stdout: () => string }> {
  // Its own process group, so that a run that will not stop is killed with its members.
  const child = spawn(process.execPath, [BARGE_BIN, 'cluster', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  const printed = (): string => `stdout:\n${stdout}\nstderr (last lines):\n${stderr}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Ctrl-C, so that it stops the members it started; the test fails once it has stopped.
      const failure = new Error(`barge cluster did not come up; it printed:\n${printed()}`);
      stopped(child).then(() => reject(failure), reject);
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`barge cluster exited (${code}) before it was up; it printed:\n${printed()}`));
    });
    child.stdout!.on('data', () => {
      if (!stdout.includes('Try:')) return;
      clearTimeout(timer);
      resolve({ child, stdout: () => stdout });
    });
  });
}

/** Ctrl-C, then its exit code; null when it did not stop in time and was killed with its members. */
async function stopped(child: ReturnType<typeof spawn>): Promise<number | null> {
  const exited = exitCodeWithin(child, 30_000);
  child.kill('SIGINT');
  const code = await exited;
  if (code === null) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // No member left in its group.
    }
  }
  return code;
}

/**
 * etcdctl's stdout, run without blocking this process: `barge cluster` and its members write their logs
 * to pipes this process must keep reading, or they stall on a full pipe while etcdctl waits for them.
 */
function etcdctl(endpoints: string, ...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('etcdctl', [`--endpoints=${endpoints}`, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ETCDCTL_API: '3' } }, (_err, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
  });
}

describe('the barge binary', () => {
  it('prints its version the way etcd does', () => {
    const etcd = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
    const barge = spawnSync(process.execPath, [BARGE_BIN, '--version'], { encoding: 'utf8', timeout: 15_000 });
    expect(barge.status).toBe(0);
    expect(barge.stdout.split('\n')[0]).toBe(etcd.stdout.split('\n')[0]);
  });

  it('barge cluster: up, used by etcdctl, stopped by Ctrl-C, restarted with its data', async () => {
    const base = await clusterBasePort();
    const clusterDir = join(dir, 'local');
    const first = await startLocalCluster(['--size', '3', '--dir', clusterDir, '--base-port', String(base)]);
    const endpoints = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(',');
    expect(first.stdout()).toContain('Barge cluster of 3 is up');
    for (const i of [0, 1, 2]) expect(first.stdout()).toContain(`http://127.0.0.1:${base + i}`);
    expect(await etcdctl(endpoints, 'put', 'kept', 'across restarts')).toBe('OK\n');
    expect((await etcdctl(endpoints, 'member', 'list')).trim().split('\n')).toHaveLength(3);
    expect(await stopped(first.child)).toBe(0);

    // Flags of a later run do not change the layout the first run fixed.
    const second = await startLocalCluster(['--size', '5', '--dir', clusterDir]);
    expect(second.stdout()).toContain('Barge cluster of 3 is up');
    expect(await etcdctl(endpoints, 'get', 'kept', '--print-value-only')).toBe('across restarts\n');
    expect(await stopped(second.child)).toBe(0);
  }, 180_000);
});
