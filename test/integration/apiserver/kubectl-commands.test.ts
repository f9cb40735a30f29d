// More of the real kubectl 1.32 against `barge apiserver`, over a 3-member Barge cluster and over a real
// etcd 3.4 (as kubectl.test.ts): edit with a scripted EDITOR, server-side apply conflicts, explain,
// custom columns, wait for a condition and for a delete, and a delete that waits for a finalizer.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOn } from './apiserver-process.js';

const POD = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: cmd}}
spec:
  containers: [{name: main, image: busybox:1.36}]
`;

describe.each([
  ['barge', 3],
  ['etcd', 1],
] as [Implementation, number][])('kubectl commands against the apiserver over %s', (implementation, size) => {
  const env = apiserverOn(implementation, size, 90_000);
  const scripts = mkdtempSync(join(tmpdir(), 'kubectl-editor-'));
  const ok = (args: string[], options: { input?: string; env?: Record<string, string> } = {}): string => {
    const result = env.api.kubectl(args, options);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}\napiserver log:\n${env.api.log.slice(-2000)}`);
    return result.stdout;
  };
  afterAll(() => rmSync(scripts, { recursive: true, force: true }));

  it('edits with a scripted EDITOR, and reports an edit that changes nothing', () => {
    ok(['create', 'configmap', 'edited', '--from-literal=color=blue']);
    // kubectl hands the editor a temporary file holding the object as YAML; the script rewrites it in place.
    const editor = join(scripts, 'recolor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: blue/color: green/" "$1"\n');
    chmodSync(editor, 0o755);
    expect(ok(['edit', 'configmap', 'edited'], { env: { EDITOR: editor, KUBE_EDITOR: editor } })).toBe('configmap/edited edited\n');
    expect(ok(['get', 'configmap', 'edited', '-o', 'jsonpath={.data.color}'])).toBe('green');
    const unchanged = env.api.kubectl(['edit', 'configmap', 'edited'], { env: { EDITOR: 'true', KUBE_EDITOR: 'true' } });
    expect(unchanged.status).toBe(0);
    expect(unchanged.stderr).toBe('Edit cancelled, no changes made.\n');
  });

  it('refuses a server-side apply over another manager\'s field until it forces the conflict', () => {
    const applied = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: "${value}"}\n`;
    expect(ok(['apply', '--server-side', '-f', '-'], { input: applied('1') })).toBe('configmap/ssa serverside-applied\n');
    expect(ok(['patch', 'configmap', 'ssa', '--type=merge', '-p', '{"data":{"a":"2"}}'])).toBe('configmap/ssa patched\n');
    const refused = env.api.kubectl(['apply', '--server-side', '-f', '-'], { input: applied('3') });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a\n');
    expect(ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: applied('3') })).toBe('configmap/ssa serverside-applied\n');
    expect(ok(['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.a} {.metadata.managedFields[*].manager}'])).toBe('3 kubectl');
  });

  it('explains a kind and a field path from the served OpenAPI', () => {
    const pod = ok(['explain', 'pods']);
    expect(pod).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(pod).toMatch(/^FIELDS:$/m);
    expect(pod).toMatch(/^ {2}spec\t<PodSpec>$/m);
    const containers = ok(['explain', 'deployment.spec.template.spec.containers.image']);
    expect(containers).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: image <string>\n/);
  });

  it('prints custom columns', () => {
    ok(['create', '-f', '-'], { input: POD('columns') });
    expect(ok(['get', 'pod', 'columns', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,APP:.metadata.labels.app'])).toMatch(
      /^NAME\s+IMAGE\s+APP\ncolumns\s+busybox:1\.36\s+cmd\n$/,
    );
  });

  it('waits for a condition and for a delete', async () => {
    ok(['create', '-f', '-'], { input: POD('ready') });
    const waiting = env.api.kubectlInBackground(['wait', '--for=condition=Ready', 'pod/ready', '--timeout=30s']);
    try {
      const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } };
      ok(['patch', 'pod', 'ready', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
      await until('kubectl wait to see the condition', () => !waiting.running(), { timeoutMs: 30_000 });
      expect(waiting.output()).toBe('pod/ready condition met\n');
    } finally {
      await waiting.stop();
    }

    ok(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: doomed, finalizers: [example.com/hold]}\n' });
    expect(ok(['delete', 'configmap', 'doomed', '--wait=false'])).toBe('configmap "doomed" deleted\n');
    // With its requests traced, so the finalizer goes only once kubectl watches (an object already gone prints nothing).
    const gone = env.api.kubectlInBackground(['wait', '--for=delete', 'configmap/doomed', '--timeout=30s', '-v=6']);
    try {
      await until('kubectl wait to watch', () => /watch=true/.test(gone.output()), { timeoutMs: 30_000, pollMs: 100 });
      ok(['patch', 'configmap', 'doomed', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      await until('kubectl wait to see the delete', () => !gone.running(), { timeoutMs: 30_000 });
      expect(gone.output().split('\n').filter((line) => line !== '' && !/^[IWE]\d{4} /.test(line))).toEqual(['configmap/doomed condition met']);
    } finally {
      await gone.stop();
    }
  });

  it('deletes and waits until a finalizer lets the object go', async () => {
    ok(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n' });
    const deleting = env.api.kubectlInBackground(['delete', 'configmap', 'held', '--timeout=30s']);
    try {
      await until('the delete to mark the object', () => ok(['get', 'configmap', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']) !== '', { timeoutMs: 15_000 });
      await until('kubectl to say it deleted', () => deleting.output() === 'configmap "held" deleted\n', { timeoutMs: 15_000 });
      // kubectl is still waiting: the object is there until its finalizer goes.
      expect(deleting.running()).toBe(true);
      ok(['patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      await until('kubectl to finish waiting', () => !deleting.running(), { timeoutMs: 15_000 });
      expect(env.api.kubectl(['get', 'configmap', 'held']).stderr).toBe('Error from server (NotFound): configmaps "held" not found\n');
    } finally {
      await deleting.stop();
    }
    expect(ok(['delete', '-f', '-'], { input: POD('columns') })).toBe('pod "columns" deleted\n');
    expect(ok(['get', 'pods', '-o', 'name'])).toBe('pod/ready\n');
  });
});
