// The Flyingcube operator example as a user runs it (`tsx examples/flyingcube-operator/main.ts
// --kubeconfig …`), against `barge apiserver` on Barge with `barge controller-manager` beside it (its
// Deployment controller makes the pods, its garbage collector removes what a deleted cube owned), driven
// with the real kubectl.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeWithin } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';
import { ControllerManagerProcess } from '../controllers/controller-manager-process.js';

const REPO = join(import.meta.dirname, '../../..');
const CRD = join(REPO, 'examples/flyingcube-crd.yaml');
const OPERATOR = join(REPO, 'examples/flyingcube-operator/main.ts');

const cube = (name: string, size: number): string => `apiVersion: ktcloud.io/v1
kind: Flyingcube
metadata: {name: ${name}}
spec: {developer: alice, size: ${size}}
`;

interface Event {
  type: string;
  reason: string;
  message: string;
  count?: number;
  source: { component: string };
}

describe('the Flyingcube operator example', () => {
  const env = apiserverOnBarge();
  let manager: ControllerManagerProcess;
  let operator: ChildProcess;
  let operatorLog = '';

  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\noperator log:\n${operatorLog.slice(-3000)}`);
    return result.stdout;
  };
  const get = (args: string[]): string => env.api.kubectl(['get', ...args]).stdout;
  const eventsOf = (name: string): Event[] =>
    (JSON.parse(ok(['get', 'events', '--field-selector', `involvedObject.kind=Flyingcube,involvedObject.name=${name}`, '-o', 'json'])) as { items: Event[] }).items;
  const waitFor = (what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> => until(what, check, { timeoutMs, pollMs: 250 });

  beforeAll(async () => {
    ok(['apply', '-f', CRD]);
    ok(['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=30s']);
    manager = new ControllerManagerProcess(env.api.kubeconfig, ['--leader-elect=false']);
    operator = spawn(process.execPath, ['--import', 'tsx', OPERATOR, '--kubeconfig', env.api.kubeconfig, '--leader-elect'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    operator.stderr?.on('data', (chunk: Buffer) => (operatorLog += chunk.toString()));
    await waitFor('the operator to lead and sync', () => operatorLog.includes('caches synced'), 60_000);
  }, 90_000);

  afterAll(async () => {
    operator?.kill('SIGTERM');
    if (operator) await exitCodeWithin(operator, 10_000);
    await manager?.stop();
  });

  it('creates a Deployment of spec.size owned by the cube, and writes the status through /status', async () => {
    ok(['create', '-f', '-'], cube('first', 2));
    await waitFor('the deployment', () => get(['deployment', 'first-cube', '-o', 'name']).trim() === 'deployment.apps/first-cube');
    const uid = ok(['get', 'fc', 'first', '-o', 'jsonpath={.metadata.uid}']);
    const deployment = JSON.parse(ok(['get', 'deployment', 'first-cube', '-o', 'json']));
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.ownerReferences).toEqual([{ apiVersion: 'ktcloud.io/v1', kind: 'Flyingcube', name: 'first', uid, controller: true, blockOwnerDeletion: true }]);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'DEVELOPER', value: 'alice' }]);
    // The controller manager's Deployment controller makes the pods; the cube's status follows them.
    await waitFor('status.replicas 2', () => get(['fc', 'first', '-o', 'jsonpath={.status.replicas}']) === '2');
    const status = JSON.parse(ok(['get', 'fc', 'first', '-o', 'json'])).status;
    expect(status).toMatchObject({ observedGeneration: 1, deployment: 'first-cube', replicas: 2 });
    expect(ok(['get', 'pods', '-l', 'ktcloud.io/flyingcube=first', '-o', 'name']).trim().split('\n')).toHaveLength(2);
    const created = eventsOf('first').find((e) => e.reason === 'Created');
    expect(created).toMatchObject({ type: 'Normal', message: 'Created Deployment first-cube with 2 replicas', source: { component: 'flyingcube-operator' } });
    expect(ok(['get', 'events', '--field-selector', 'involvedObject.name=first'])).toMatch(/Normal\s+Created\s+flyingcube\/first\s+Created Deployment first-cube with 2 replicas/);
  });

  it('reconciles a change of size and of developer', async () => {
    ok(['patch', 'fc', 'first', '--type=merge', '-p', '{"spec":{"size":3}}']);
    await waitFor('deployment scaled to 3', () => get(['deployment', 'first-cube', '-o', 'jsonpath={.spec.replicas}']) === '3');
    await waitFor('status.replicas 3 for generation 2', () => get(['fc', 'first', '-o', 'jsonpath={.status.replicas}/{.status.observedGeneration}']) === '3/2');
    expect(eventsOf('first').find((e) => e.reason === 'Scaled')?.message).toBe('Scaled Deployment first-cube from 2 to 3');
    ok(['patch', 'fc', 'first', '--type=merge', '-p', '{"spec":{"developer":"bob"}}']);
    await waitFor('the pods told of bob', () => get(['deployment', 'first-cube', '-o', 'jsonpath={.spec.template.spec.containers[0].env[0].value}']) === 'bob');
    expect(eventsOf('first').find((e) => e.reason === 'Updated')?.message).toBe('Updated Deployment first-cube for developer bob');
    // Someone scaling the Deployment by hand is put back to the cube's size.
    ok(['scale', 'deployment', 'first-cube', '--replicas=1']);
    await waitFor('deployment back to 3', () => get(['deployment', 'first-cube', '-o', 'jsonpath={.spec.replicas}']) === '3');
  });

  it('never takes over a Deployment it does not own', async () => {
    ok(['create', '-f', '-'], 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: taken-cube}\nspec:\n  selector: {matchLabels: {app: taken}}\n  template:\n    metadata: {labels: {app: taken}}\n    spec: {containers: [{name: c, image: nginx}]}\n');
    ok(['create', '-f', '-'], cube('taken', 1));
    await waitFor('the ErrResourceExists warning', () => eventsOf('taken').some((e) => e.reason === 'ErrResourceExists'));
    expect(eventsOf('taken').find((e) => e.reason === 'ErrResourceExists')).toMatchObject({ type: 'Warning', message: 'Resource "taken-cube" already exists and is not managed by Flyingcube' });
    expect(JSON.parse(ok(['get', 'deployment', 'taken-cube', '-o', 'json'])).metadata.ownerReferences).toBeUndefined();
    ok(['delete', 'fc', 'taken']);
    ok(['delete', 'deployment', 'taken-cube']);
  });

  it('deleting the cube garbage-collects its Deployment, ReplicaSet and pods', async () => {
    ok(['delete', 'fc', 'first']);
    await waitFor('the deployment collected', () => get(['deployment', '-o', 'name']).trim() === '', 60_000);
    await waitFor('its replica sets and pods collected', () => get(['rs', '-o', 'name']).trim() === '' && get(['pods', '-l', 'ktcloud.io/flyingcube=first', '-o', 'name']).trim() === '', 60_000);
  }, 90_000);
});
