// The barge binary itself: `--version` as etcd prints it, and `barge cluster` (the README's first
// command) starts a cluster that etcdctl uses, stops on Ctrl-C and comes back with its data.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, freePort } from '../../support/process-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'barge-binary-'));
/** `barge cluster` processes still running when the test ends (it failed): killed with their members. */
const running = new Set<ReturnType<typeof spawn>>();
afterAll(async () => {
  await Promise.all([...running].map((child) => stopped(child)));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `barge cluster` until it says it is up; resolves with the process and what it printed. */
function startLocalCluster(args: string[]): Promise<{ child: ReturnType<typeof spawn>; stdout: () => string }> {
  const child = spawn(process.execPath, [BARGE_BIN, 'cluster', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Ctrl-C, so that it stops the members it started; the test fails once it has stopped.
      const failure = new Error(`barge cluster did not come up; it printed:\n${stdout}`);
      stopped(child).then(() => reject(failure), reject);
    }, 30_000);
    child.stdout!.on('data', () => {
      if (!stdout.includes('Try:')) return;
      clearTimeout(timer);
      resolve({ child, stdout: () => stdout });
    });
  });
}

function stopped(child: ReturnType<typeof spawn>): Promise<number | null> {
  const code = exitCodeWithin(child, 15_000);
  child.kill('SIGINT');
  return code;
}

const etcdctl = (endpoints: string, ...args: string[]) =>
  spawnSync('etcdctl', [`--endpoints=${endpoints}`, ...args], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, ETCDCTL_API: '3' } });

describe('the barge binary', () => {
  it('prints its version the way etcd does', () => {
    const etcd = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
    const barge = spawnSync(process.execPath, [BARGE_BIN, '--version'], { encoding: 'utf8', timeout: 15_000 });
    expect(barge.status).toBe(0);
    expect(barge.stdout.split('\n')[0]).toBe(etcd.stdout.split('\n')[0]);
  });

  it('barge cluster: up, used by etcdctl, stopped by Ctrl-C, restarted with its data', async () => {
    const base = await freePort();
    const clusterDir = join(dir, 'local');
    const first = await startLocalCluster(['--size', '3', '--dir', clusterDir, '--base-port', String(base)]);
    const endpoints = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(',');
    expect(first.stdout()).toContain('Barge cluster of 3 is up');
    for (const i of [0, 1, 2]) expect(first.stdout()).toContain(`http://127.0.0.1:${base + i}`);
    expect(etcdctl(endpoints, 'put', 'kept', 'across restarts').stdout).toBe('OK\n');
    expect(etcdctl(endpoints, 'member', 'list').stdout.trim().split('\n')).toHaveLength(3);
    expect(await stopped(first.child)).toBe(0);

    // Flags of a later run do not change the layout the first run fixed.
    const second = await startLocalCluster(['--size', '5', '--dir', clusterDir]);
    expect(second.stdout()).toContain('Barge cluster of 3 is up');
    expect(etcdctl(endpoints, 'get', 'kept', '--print-value-only').stdout).toBe('across restarts\n');
    expect(await stopped(second.child)).toBe(0);
  }, 90_000);
});
