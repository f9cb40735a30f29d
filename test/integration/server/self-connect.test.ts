// A peer link that, dialling before its peer listens, got a socket connected to itself (the kernel chose
// the peer's port as the local one) must drop it and dial again. Once, in CI, a restored member never
// heard from the leader for a minute: the leader's link to it was talking to itself. Here the kernel is
// made to choose that port every time, in a network namespace of the test's own (the test runs as root).

import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../../..');
const PROBE = join(here, 'self-connect-probe.ts');

describe('peer link dialling a port not listened on yet', () => {
  it('drops a connection to itself and reaches the peer once it listens', () => {
    const setup = 'ip link set lo up && echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range && exec "$0" --import tsx "$1"';
    const run = spawnSync('unshare', ['--net', 'sh', '-c', setup, process.execPath, PROBE], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim()) as { delivered: boolean; ms: number };
    expect(result.delivered).toBe(true);
  }, 90_000);
});
