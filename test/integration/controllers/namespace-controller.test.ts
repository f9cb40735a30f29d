// The namespace controller over `barge apiserver` on Barge, driven by the real kubectl: deleting a
// namespace turns it Terminating, removes everything in it (custom resources included, found through
// discovery), reports what a finalizer still holds in the namespace's conditions, removes the
// `kubernetes` finalizer through /finalize once it is empty, and the namespace goes; `kubectl delete
// namespace` waits for that and returns. spec.finalizers change only through /finalize.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Namespace } from '../../../src/controllers/namespace/namespaced-resources-deleter.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';
import { ControllerManagerProcess } from './controller-manager-process.js';
import { exampleCrdYaml } from './custom-resource-definition.js';

const crd = exampleCrdYaml('Widget', '        x-kubernetes-preserve-unknown-fields: true\n');
// kubectl's typed `create namespace|configmap` send protobuf bodies; apply sends JSON.
const namespaceYaml = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
const configMapYaml = (ns: string, name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {a: "1"}\n`;

const content = (ns: string): string => `apiVersion: v1
kind: ConfigMap
metadata: {name: plain, namespace: ${ns}}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: ${ns}, finalizers: [example.com/hold]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: ${ns}}
---
apiVersion: v1
kind: Pod
metadata: {name: lone, namespace: ${ns}}
spec:
  containers: [{name: c, image: nginx:1.27}]
`;

describe('namespace controller', () => {
  const env = apiserverOnBarge();
  let manager: ControllerManagerProcess;
  let client: KubeClient;

  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}\ncontroller-manager log:\n${manager.log.slice(-3000)}`);
    return result.stdout;
  };
  const namespace = (name: string): Promise<Namespace> => client.get<Namespace>(Resources.namespaces, undefined, name);
  const gone = async (name: string): Promise<boolean> => env.api.kubectl(['get', 'namespace', name]).status !== 0;
  const condition = (ns: Namespace, type: string) => ns.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    manager = new ControllerManagerProcess(env.api.kubeconfig, ['--controllers=namespace,garbagecollector']);
    client = new KubeClient(loadKubeconfig(env.api.kubeconfig));
    ok(['apply', '-f', '-'], crd);
    await until('the widgets CRD to be served', () => env.api.kubectl(['get', 'widgets', '-A']).status === 0, { timeoutMs: 30_000, pollMs: 200 });
  }, 60_000);

  afterAll(async () => {
    await manager?.stop();
  });

  it('empties a Terminating namespace, reports what a finalizer holds, then finalizes and removes it', async () => {
    ok(['apply', '-f', '-'], namespaceYaml('team'));
    ok(['apply', '-f', '-'], content('team'));
    ok(['delete', 'namespace', 'team', '--wait=false']);
    expect((await namespace('team')).status?.phase).toBe('Terminating');
    expect(env.api.kubectl(['apply', '-f', '-'], { input: configMapYaml('team', 'late') }).stderr).toContain('because it is being terminated');

    let ns: Namespace | undefined;
    await until('the namespace conditions to name what is left', async () => {
      ns = await namespace('team');
      return condition(ns, 'NamespaceFinalizersRemaining')?.status === 'True';
    }, { timeoutMs: 60_000, pollMs: 200 });
    expect(condition(ns!, 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' });
    expect(condition(ns!, 'NamespaceFinalizersRemaining')).toMatchObject({ reason: 'SomeFinalizerRemain', message: 'Some finalizers are remaining: example.com/hold in 1 resource instances' });
    expect(condition(ns!, 'NamespaceDeletionDiscoveryFailure')).toMatchObject({ status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' });
    expect(condition(ns!, 'NamespaceDeletionContentFailure')).toMatchObject({ status: 'False', reason: 'ContentDeleted' });
    expect(ns!.spec?.finalizers).toEqual(['kubernetes']);
    expect(ok(['get', 'configmaps,widgets,pods', '-n', 'team', '-o', 'name'])).toBe('configmap/held\n');

    ok(['patch', 'configmap', 'held', '-n', 'team', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await until('the namespace to go', () => gone('team'), { timeoutMs: 60_000, pollMs: 200 });
  }, 120_000);

  it('kubectl delete namespace waits until it is gone', () => {
    ok(['apply', '-f', '-'], namespaceYaml('brief'));
    ok(['apply', '-f', '-'], configMapYaml('brief', 'c'));
    expect(ok(['delete', 'namespace', 'brief'])).toBe('namespace "brief" deleted\n');
    expect(env.api.kubectl(['get', 'namespace', 'brief']).stderr).toContain('namespaces "brief" not found');
  }, 60_000);

  it('spec.finalizers change only through /finalize; a foreign finalizer holds the namespace after the controller is done', async () => {
    ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: held}\nspec: {finalizers: [example.com/ns]}\n');
    expect((await namespace('held')).spec?.finalizers).toEqual(['example.com/ns', 'kubernetes']);
    const updated = await client.update<Namespace>(Resources.namespaces, { ...(await namespace('held')), spec: { finalizers: [] } });
    expect(updated.spec?.finalizers).toEqual(['example.com/ns', 'kubernetes']);

    ok(['delete', 'namespace', 'held', '--wait=false']);
    await until('the controller to remove its finalizer', async () => (await namespace('held')).spec?.finalizers?.join() === 'example.com/ns', { timeoutMs: 60_000, pollMs: 200 });
    const current = await namespace('held');
    expect(current.status?.phase).toBe('Terminating');
    const finalized = await client.updateSubresource<KubeObject>(Resources.namespaces, { ...current, spec: { finalizers: [] }, status: { phase: 'Active' } }, 'finalize');
    expect(finalized.metadata.name).toBe('held');
    await until('the finalized namespace to go', () => gone('held'), { timeoutMs: 30_000, pollMs: 200 });
  }, 120_000);
});
