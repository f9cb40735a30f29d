// The ResourceQuota controller in a real controller manager: status.hard follows spec.hard, status.used
// follows pods, services, config maps and Deployments as they come and go, and `kubectl describe quota`
// shows both, as against kube-controller-manager.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';
import { ControllerManagerProcess } from '../controllers/controller-manager-process.js';

const QUOTA = {
  apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'quota' },
  spec: { hard: { pods: '4', 'requests.cpu': '2', 'requests.memory': '1Gi', 'limits.cpu': '4', 'limits.memory': '2Gi', configmaps: '5', 'services.nodeports': '3', 'count/deployments.apps': '2' } },
};

const pod = (name: string, cpu: string, memory: string, memoryLimit = '512Mi') => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'quota' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu, memory }, limits: { cpu: '1', memory: memoryLimit } } }] },
});

describe('ResourceQuota controller', () => {
  const env = apiserverOnBarge(120_000, ['--enable-admission-plugins=NamespaceLifecycle,ResourceQuota']);
  let manager: ControllerManagerProcess;
  const used = (): Record<string, string> => JSON.parse(env.api.kubectl(['get', 'quota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.used}']).stdout || '{}') as Record<string, string>;
  const usedBecomes = async (what: string, want: Record<string, string>): Promise<void> => {
    const sorted = (list: Record<string, string>): string => JSON.stringify(Object.entries(list).sort());
    await until(what, () => sorted(used()) === sorted(want), { timeoutMs: 30_000, pollMs: 250 }).catch((e: Error) => {
      throw new Error(`${e.message}: used is ${JSON.stringify(used())}\n${manager.log.slice(-2000)}`);
    });
  };

  beforeAll(() => {
    manager = new ControllerManagerProcess(env.api.kubeconfig, ['--controllers=resourcequota', '--leader-elect=false']);
  });
  afterAll(async () => {
    await manager?.stop();
  });

  it('fills in status.hard and a zero status.used for every hard name', async () => {
    expect(env.api.kubectl(['create', 'namespace', 'quota']).status).toBe(0);
    expect(env.api.kubectl(['create', '-f', '-'], { input: JSON.stringify(QUOTA) }).stdout).toBe('resourcequota/compute created\n');
    await usedBecomes('a zero status.used', { configmaps: '0', 'count/deployments.apps': '0', 'limits.cpu': '0', 'limits.memory': '0', pods: '0', 'requests.cpu': '0', 'requests.memory': '0', 'services.nodeports': '0' });
    expect(JSON.parse(env.api.kubectl(['get', 'quota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.hard}']).stdout)).toEqual(QUOTA.spec.hard);
  });

  it('counts what is created, as kube prints quantities, and admission refuses what would exceed it in the same words', async () => {
    expect(env.api.kubectl(['create', '-f', '-'], { input: pod('a', '250m', '64Mi') }).status).toBe(0);
    expect(env.api.kubectl(['create', '-f', '-'], { input: pod('b', '500m', '128Mi') }).status).toBe(0);
    expect(env.api.kubectl(['create', 'configmap', 'settings', '-n', 'quota', '--from-literal=a=b']).status).toBe(0);
    expect(env.api.kubectl(['create', 'service', 'nodeport', 'web', '-n', 'quota', '--tcp=80:80', '--tcp=443:443']).status).toBe(0);
    expect(env.api.kubectl(['create', 'deployment', 'web', '-n', 'quota', '--image=nginx', '--replicas=0']).status).toBe(0);
    await usedBecomes('the new objects counted', { configmaps: '1', 'count/deployments.apps': '1', 'limits.cpu': '2', 'limits.memory': '1Gi', pods: '2', 'requests.cpu': '750m', 'requests.memory': '192Mi', 'services.nodeports': '2' });    // Admission counts with the same evaluators and prints the same quantities.
    expect(env.api.kubectl(['create', '-f', '-'], { input: pod('big', '100m', '900Mi', '900Mi') }).stderr).toBe('Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: exceeded quota: compute, requested: requests.memory=900Mi, used: requests.memory=192Mi, limited: requests.memory=1Gi\n');
  });

  it('kubectl describe quota shows Used and Hard, kubectl get quota used/hard', () => {
    const out = env.api.kubectl(['describe', 'quota', 'compute', '-n', 'quota']).stdout;
    const rows = out.trimEnd().split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows.slice(0, 4)).toEqual([['Name:', 'compute'], ['Namespace:', 'quota'], ['Resource', 'Used', 'Hard'], ['--------', '----', '----']]);
    expect(rows.slice(4)).toEqual([
      ['configmaps', '1', '5'], ['count/deployments.apps', '1', '2'], ['limits.cpu', '2', '4'], ['limits.memory', '1Gi', '2Gi'], ['pods', '2', '4'],
      ['requests.cpu', '750m', '2'], ['requests.memory', '192Mi', '1Gi'], ['services.nodeports', '2', '3'],
    ]);
    const row = env.api.kubectl(['get', 'quota', 'compute', '-n', 'quota', '--no-headers']).stdout;
    expect(row).toContain('configmaps: 1/5, count/deployments.apps: 1/2, pods: 2/4, requests.cpu: 750m/2, requests.memory: 192Mi/1Gi, services.nodeports: 2/3');
    expect(row).toContain('limits.cpu: 2/4, limits.memory: 1Gi/2Gi');
  });

  it('gives back what is deleted, and follows a changed spec.hard', async () => {
    expect(env.api.kubectl(['delete', 'pod', 'b', '-n', 'quota', '--grace-period=0', '--force']).status).toBe(0);
    expect(env.api.kubectl(['delete', 'deployment', 'web', '-n', 'quota']).status).toBe(0);
    await usedBecomes('the deleted objects given back', { configmaps: '1', 'count/deployments.apps': '0', 'limits.cpu': '1', 'limits.memory': '512Mi', pods: '1', 'requests.cpu': '250m', 'requests.memory': '64Mi', 'services.nodeports': '2' });
    expect(env.api.kubectl(['patch', 'quota', 'compute', '-n', 'quota', '--type=json', '-p', '[{"op":"replace","path":"/spec/hard","value":{"pods":"9","secrets":"3"}}]']).status).toBe(0);
    await usedBecomes('used to follow the new hard names', { pods: '1', secrets: '0' });
    expect(JSON.parse(env.api.kubectl(['get', 'quota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.hard}']).stdout)).toEqual({ pods: '9', secrets: '3' });
  });
});
