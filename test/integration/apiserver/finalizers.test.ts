// Finalizers hold a deleted object (deletionTimestamp set, a MODIFIED event) until the update that takes
// the last one off, which deletes it instead of writing (DELETED only, as kube's store does); a delete's propagation policy adds the garbage collector's `orphan` or
// `foregroundDeletion` finalizer, and a later Background delete takes it off again.

import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

const heldConfigMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, finalizers: [example.com/hold]}\n`;

describe('finalizers and propagation policies', () => {
  const env = apiserverOnBarge();
  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  it('a finalizer holds the deleted object until it is removed: MODIFIED, then DELETED', async () => {
    ok(['create', '-f', '-'], heldConfigMap('held'));
    const watch = env.api.kubectlInBackground(['get', 'configmap', 'held', '--watch', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.finalizers}{"\\n"}']);
    try {
      await until('the watch sees the object', () => watch.output().includes('ADDED'), { timeoutMs: 20_000 });
      expect(ok(['delete', 'configmap', 'held', '--wait=false'])).toBe('configmap "held" deleted\n');
      const held = JSON.parse(ok(['get', 'configmap', 'held', '-o', 'json'])) as { metadata: { deletionTimestamp?: string; deletionGracePeriodSeconds?: number } };
      expect(held.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(held.metadata.deletionGracePeriodSeconds).toBe(0);
      expect(ok(['patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]'])).toBe('configmap/held patched\n');
      expect(env.api.kubectl(['get', 'configmap', 'held']).stderr).toBe('Error from server (NotFound): configmaps "held" not found\n');
      await until('the watch sees the delete', () => watch.output().includes('DELETED'), { timeoutMs: 20_000 });
      const events = watch.output().split('\n').filter(Boolean).map((line) => line.trimEnd());
      expect(events).toEqual(['ADDED ["example.com/hold"]', 'MODIFIED ["example.com/hold"]', 'DELETED ["example.com/hold"]']);
    } finally {
      await watch.stop();
    }
  });

  it('Foreground adds foregroundDeletion, Orphan adds orphan (replacing it), Background removes them and deletes', () => {
    ok(['create', 'configmap', 'owner']);
    expect(ok(['delete', 'configmap', 'owner', '--cascade=foreground', '--wait=false'])).toBe('configmap "owner" deleted\n');
    expect(ok(['get', 'configmap', 'owner', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["foregroundDeletion"]');
    ok(['delete', 'configmap', 'owner', '--cascade=orphan', '--wait=false']);
    expect(ok(['get', 'configmap', 'owner', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["orphan"]');
    ok(['delete', 'configmap', 'owner', '--cascade=background', '--wait=false']);
    expect(env.api.kubectl(['get', 'configmap', 'owner']).status).toBe(1);

    // A finalizer of the object's own stays beside the garbage collector's.
    ok(['create', '-f', '-'], heldConfigMap('both'));
    ok(['delete', 'configmap', 'both', '--cascade=orphan', '--wait=false']);
    expect(ok(['get', 'configmap', 'both', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["example.com/hold","orphan"]');
    ok(['delete', 'configmap', 'both', '--cascade=background', '--wait=false']);
    expect(ok(['get', 'configmap', 'both', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["example.com/hold"]');
  });

  it('a pod in its grace period stays after its last finalizer goes, until the delete with no grace', () => {
    // Bound to a node (no kubelet here), so the delete is graceful.
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: graceful, finalizers: [example.com/hold]}\nspec: {nodeName: nowhere, containers: [{name: c, image: busybox}]}\n');
    ok(['delete', 'pod', 'graceful', '--grace-period=30', '--wait=false']);
    ok(['patch', 'pod', 'graceful', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const held = JSON.parse(ok(['get', 'pod', 'graceful', '-o', 'json'])) as { metadata: { deletionGracePeriodSeconds?: number; finalizers?: string[] } };
    expect(held.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(held.metadata.finalizers).toBeUndefined();
    ok(['delete', 'pod', 'graceful', '--grace-period=0', '--force']);
    expect(env.api.kubectl(['get', 'pod', 'graceful']).stderr).toBe('Error from server (NotFound): pods "graceful" not found\n');
  });
});
