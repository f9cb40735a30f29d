// Strategic merge patch against the real thing: `kubectl patch --local --type strategic` runs the
// apimachinery code kube-apiserver runs, over kubectl's compiled-in types. Seeded random patches
// over a Deployment's containers (merge key name), their env, and the finalizers (a merging scalar
// list): items added, merged, deleted with $patch, reordered with $setElementOrder, removed with
// $deleteFromPrimitiveList. Our result must equal kubectl's, list order included.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../../src/apiserver/patch/index.js';
import { builtinSchemas } from '../../../../src/apiserver/resources/index.js';

type Json = any;

const CASES = 24;
const components = builtinSchemas();
const dir = mkdtempSync(join(tmpdir(), 'smp-differential-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubectlPatch(obj: Json, patch: Json): Promise<Json> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      ['patch', '--local', '-f', '-', '--type', 'strategic', '-p', JSON.stringify(patch), '-o', 'json'],
      { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`kubectl: ${stderr || err.message}`)) : resolve(JSON.parse(stdout))),
    );
    child.stdin!.end(JSON.stringify(obj));
  });
}

/** A small deterministic generator (an LCG), so a failing case can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const some = <T,>(xs: readonly T[]) => xs.filter(() => next() < 0.5);
  const shuffled = <T,>(xs: readonly T[]) => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  return { next, some, shuffled };
}

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

function randomCase(seed: number): { obj: Json; patch: Json } {
  const { next, some, shuffled } = generator(seed);
  const env = (names: string[], suffix: string) => shuffled(names).map((name) => ({ name, value: name + suffix }));
  const obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', finalizers: shuffled(some(NAMES)) },
    spec: { template: { spec: { containers: shuffled(some(NAMES)).map((name) => ({ name, image: name, env: env(some(['A', 'B', 'C']), '') })) } } },
  };
  const order = shuffled(some(NAMES));
  const items: Json[] = order
    .filter(() => next() < 0.6)
    .map((name) =>
      next() < 0.3 ? { name, $patch: 'delete' } : { name, image: `${name}2`, ...(next() < 0.4 ? { env: env(some(['A', 'B', 'D']), '2') } : {}) },
    );
  const podSpec: Json = { containers: items };
  if (next() < 0.5) podSpec['$setElementOrder/containers'] = order.filter((name) => !items.some((i) => i.name === name && i.$patch)).map((name) => ({ name }));
  const metadata: Json = {};
  if (next() < 0.7) metadata.finalizers = shuffled(some(NAMES));
  // Go visits a map's keys in random order, so a list merged and deleted from in one patch has no
  // single answer when the two overlap; kubectl never sends that.
  if (next() < 0.4) metadata['$deleteFromPrimitiveList/finalizers'] = some(NAMES).filter((n) => !(metadata.finalizers ?? []).includes(n));
  return { obj, patch: { metadata, spec: { template: { spec: podSpec } } } };
}

describe('strategic merge patch, differential against kubectl patch --local', () => {
  const cases = Array.from({ length: CASES }, (_, i) => [i + 1, randomCase(i + 1)] as const);
  it.each(cases)('seed %i', async (_seed, { obj, patch }) => {
    let expected: Json;
    try {
      expected = await kubectlPatch(obj, patch);
    } catch (err) {
      // Patches kubectl refuses must fail here too.
      expect(() => applyStrategicMergePatch(obj, patch, 'io.k8s.api.apps.v1.Deployment', components)).toThrow();
      expect(String(err)).toMatch(/kubectl: error: /);
      return;
    }
    expect(applyStrategicMergePatch(obj, patch, 'io.k8s.api.apps.v1.Deployment', components)).toEqual(expected);
  });
});
