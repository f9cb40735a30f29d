// `barge apiserver` takes kube-apiserver's flags: a flag it does not know, or a missing --etcd-servers,
// is a clear error and exit; --etcd-prefix moves every key, --service-cluster-ip-range the Services'
// addresses.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BARGE_BIN } from '../../support/process-cluster.js';
import { apiserverOnBarge } from './apiserver-process.js';

describe('barge apiserver flags', () => {
  const env = apiserverOnBarge(120_000, ['--etcd-prefix=/kubernetes.io', '--service-cluster-ip-range=10.96.0.0/12']);

  it('refuses a flag it does not know, and a start without --etcd-servers', () => {
    const unknown = spawnSync(process.execPath, [BARGE_BIN, 'apiserver', '--etcd-servers=http://127.0.0.1:1', '--insecure-port=8080'], { encoding: 'utf8', timeout: 60_000 });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('unknown flag: --insecure-port');
    const noStore = spawnSync(process.execPath, [BARGE_BIN, 'apiserver'], { encoding: 'utf8', timeout: 60_000 });
    expect(noStore.status).not.toBe(0);
    expect(noStore.stderr).toContain('--etcd-servers must be specified');
  });

  it('keeps every object under --etcd-prefix and allocates ClusterIPs from --service-cluster-ip-range', () => {
    const created = env.api.kubectl(['create', 'service', 'clusterip', 'prefixed', '--tcp=80:8080']);
    expect(created.stdout).toBe('service/prefixed created\n');
    const ip = env.api.kubectl(['get', 'svc', 'prefixed', '-o', 'jsonpath={.spec.clusterIP}']).stdout;
    const [a, b] = ip.split('.').map(Number) as [number, number];
    expect([a, b >= 96 && b <= 111]).toEqual([10, true]);
    const keys = env.cluster.etcdctl(['get', '', '--from-key', '--keys-only']).stdout.split('\n').filter((k) => k !== '');
    expect(keys).toContain('/kubernetes.io/services/specs/default/prefixed');
    expect(keys).toContain('/kubernetes.io/namespaces/default');
    expect(keys.filter((k) => k.startsWith('/registry'))).toEqual([]);
  });
});
