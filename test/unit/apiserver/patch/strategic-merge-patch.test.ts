// Strategic merge patches as kube-apiserver applies them: the shapes kubectl sends (client-side apply,
// set image, rollout restart), the directives, and the statuses malformed patches get.
import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../../src/apiserver/patch/index.js';
import { catchPatchError } from './catch-patch-error.js';
import { components, deployment } from './components.js';

type Json = any;

function withPodSpec(podSpec: Json, metadata: Json = {}): Json {
  const d: Json = deployment();
  Object.assign(d.spec.template.spec, podSpec);
  Object.assign(d.metadata, metadata);
  return d;
}

const smp = (live: Json, patch: unknown): Json => applyStrategicMergePatch(live, patch, 'Deployment', components);
const podSpecOf = (d: Json) => d.spec.template.spec;
const c = (name: string, extra: Json = {}) => ({ name, image: name, ...extra });

describe('applyStrategicMergePatch', () => {
  it("merges kubectl apply's patch: containers by name, $setElementOrder consumed, annotation added", () => {
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment"}\n';
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.25', name: 'nginx' }] } } },
    };
    const live = deployment();
    const out = smp(live, patch);
    expect(out.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': lastApplied });
    expect(podSpecOf(out)).toEqual({ containers: [{ name: 'nginx', image: 'nginx:1.25' }] });
    expect(live).toEqual(deployment());
  });

  it('adds the restartedAt annotation of kubectl rollout restart to the template', () => {
    const out = smp(deployment(), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-12-02T12:00:00Z' } } } } });
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-12-02T12:00:00Z' } });
  });

  it.each<[string, Json, unknown, (out: Json) => unknown, unknown]>([
    [
      '$setElementOrder orders the merged list, adding new items where it says',
      withPodSpec({ containers: [c('a'), c('b')] }),
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], containers: [c('c')] } } } },
      (out) => podSpecOf(out).containers.map((x: Json) => x.name),
      ['b', 'c', 'a'],
    ],
    ['null deletes a map key', deployment(), { metadata: { labels: { app: null } } }, (out) => out.metadata.labels, {}],
    [
      '$patch: replace replaces a map',
      deployment(),
      { spec: { template: { metadata: { labels: { $patch: 'replace', tier: 'front' } } } } },
      (out) => out.spec.template.metadata.labels,
      { tier: 'front' },
    ],
    ['$patch: delete empties a map', withPodSpec({}, {}), { spec: { selector: { $patch: 'delete' } } }, (out) => out.spec.selector, {}],
    ['$patch: delete on a map the object lacks adds nothing', deployment(), { spec: { strategy: { $patch: 'delete' } } }, (out) => 'strategy' in out.spec, false],
    [
      '$patch: delete removes a list item by merge key',
      withPodSpec({ containers: [c('nginx'), c('sidecar')] }),
      { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
      (out) => podSpecOf(out).containers,
      [c('nginx')],
    ],
    [
      '$patch: replace replaces a merging list',
      withPodSpec({ containers: [c('nginx'), c('sidecar')] }),
      { spec: { template: { spec: { containers: [c('only'), { $patch: 'replace' }] } } } },
      (out) => podSpecOf(out).containers,
      [c('only')],
    ],
    [
      '$retainKeys clears the keys it does not list',
      withPodSpec({ volumes: [{ name: 'v', emptyDir: {} }] }),
      { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } } } },
      (out) => podSpecOf(out).volumes,
      [{ name: 'v', configMap: { name: 'cm' } }],
    ],
    [
      '$deleteFromPrimitiveList removes scalars from a merging list',
      withPodSpec({}, { finalizers: ['a', 'b', 'c'] }),
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      (out) => out.metadata.finalizers,
      ['a', 'c'],
    ],
    [
      'a merging list of scalars is a union, patch items first where the live order does not place them',
      withPodSpec({}, { finalizers: ['a', 'b'] }),
      { metadata: { finalizers: ['c', 'a'] } },
      (out) => out.metadata.finalizers,
      ['c', 'a', 'b'],
    ],
    ['an atomic list is replaced', withPodSpec({ containers: [c('n', { args: ['x', 'y'] })] }), { spec: { template: { spec: { containers: [{ name: 'n', args: ['z'] }] } } } }, (out) => podSpecOf(out).containers[0].args, ['z']],
    [
      'a list without a patch strategy (tolerations) is replaced',
      withPodSpec({ tolerations: [{ key: 'a' }, { key: 'b' }] }),
      { spec: { template: { spec: { tolerations: [{ key: 'c' }] } } } },
      (out) => podSpecOf(out).tolerations,
      [{ key: 'c' }],
    ],
    [
      'new items go where the patch order and the live order place them',
      withPodSpec({ containers: [c('n', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }] })] }),
      { spec: { template: { spec: { containers: [{ name: 'n', env: [{ name: 'D', value: '4' }, { name: 'B', value: '9' }] }] } } } },
      (out) => podSpecOf(out).containers[0].env.map((e: Json) => `${e.name}=${e.value}`),
      ['D=4', 'A=1', 'B=9', 'C=3'],
    ],
    [
      '$setElementOrder with deletions and additions orders by the live list as Go leaves it after the merge',
      withPodSpec({ containers: [c('a'), c('b'), c('f')] }),
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'e' }, { name: 'c' }, { name: 'b' }],
              containers: [c('e'), { name: 'd', $patch: 'delete' }, { name: 'f', $patch: 'delete' }, { name: 'b', image: 'b2' }],
            },
          },
        },
      },
      (out) => podSpecOf(out).containers.map((x: Json) => x.name),
      ['a', 'e', 'b'],
    ],
    [
      'a new port comes first when the patch names it before a live one',
      withPodSpec({ containers: [c('n', { ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] })] }),
      { spec: { template: { spec: { containers: [{ name: 'n', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'web' }] }] } } } },
      (out) => podSpecOf(out).containers[0].ports.map((p: Json) => p.containerPort),
      [443, 80, 53],
    ],
    [
      'ports merge by containerPort, new ports appended in patch order',
      withPodSpec({ containers: [c('n', { ports: [{ containerPort: 80, name: 'http' }] })] }),
      { spec: { template: { spec: { containers: [{ name: 'n', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }] }] } } } },
      (out) => podSpecOf(out).containers[0].ports,
      [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }],
    ],
    [
      'env merges inside the container it names, keeping the live order',
      withPodSpec({ containers: [c('n', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
      { spec: { template: { spec: { containers: [{ name: 'n', env: [{ name: 'B', value: '3' }] }] } } } },
      (out) => podSpecOf(out).containers[0].env,
      [{ name: 'A', value: '1' }, { name: 'B', value: '3' }],
    ],
    [
      'a value the object lacks is taken whole, less its nulls and $patch maps',
      deployment(),
      { metadata: { annotations: { a: '1', b: null } }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', $patch: 'delete' } } } },
      (out) => [out.metadata.annotations, out.spec.strategy],
      [{ a: '1' }, { type: 'RollingUpdate' }],
    ],
    [
      'directive keys inside a value taken whole are not stored',
      { ...deployment(), spec: {} },
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'n' }], containers: [c('n')] } } } },
      (out) => out.spec,
      { template: { spec: { containers: [c('n')] } } },
    ],
    [
      'nulls inside replaced lists and appended items are not stored',
      withPodSpec({ containers: [c('a')], tolerations: [{ key: 'x' }] }),
      { spec: { template: { spec: { tolerations: [{ key: 'y', operator: null }], containers: [{ name: 'b', image: null }] } } } },
      (out) => [podSpecOf(out).tolerations, podSpecOf(out).containers],
      [[{ key: 'y' }], [{ name: 'b' }, c('a')]],
    ],
    ['a scalar replaces a map and a map a scalar', { ...deployment(), spec: { replicas: 1 } }, { spec: { replicas: { odd: true } } }, (out) => out.spec.replicas, { odd: true }],
    [
      "kubectl's switch to Recreate: $retainKeys on the strategy drops rollingUpdate",
      { ...deployment(), spec: { ...deployment().spec, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
      (out) => out.spec.strategy,
      { type: 'Recreate' },
    ],
    ['a null patch changes nothing', deployment(), null, (out) => out, deployment()],
  ])('%s', (_name, live, patch, pick, expected) => {
    expect(pick(smp(live, patch))).toEqual(expected);
  });

  it.each<[string, string | undefined]>([
    ['a kind without a schema (custom resources)', undefined],
    ['a schema name the components do not hold', 'com.example.v1.Widget'],
  ])('answers 415 for %s', (_name, schemaName) => {
    const err = catchPatchError(() => applyStrategicMergePatch(deployment(), { spec: {} }, schemaName, components));
    expect([err.code, err.reason, err.message]).toEqual([
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    ]);
  });

  it.each<[string, Json, unknown, number, string, string]>([
    ['a body that is not an object', deployment(), [], 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['$retainKeys that is not a list', withPodSpec({ volumes: [{ name: 'v' }] }), { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: 'name' }] } } } }, 400, 'BadRequest', 'invalid patch format of retainKeys'],
    [
      'a patched key missing from $retainKeys',
      withPodSpec({ volumes: [{ name: 'v' }] }),
      { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: ['name'], emptyDir: {} }] } } } },
      400,
      'BadRequest',
      'invalid patch format of retainKeys',
    ],
    ['a $setElementOrder key without its list', deployment(), { spec: { template: { spec: { $setElementOrder: [] } } } }, 400, 'BadRequest', 'invalid patch format of setElementOrder list'],
    ['a list of lists', withPodSpec({}, { finalizers: [] }), { metadata: { finalizers: [['x']] } }, 422, 'Invalid', 'the server rejected our request due to an error in our request'],
    [
      'a list item without its merge key',
      deployment(),
      { spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
      500,
      '',
      'map: map[image:x] does not contain declared merge key: name',
    ],
    [
      'an unknown $patch in a list',
      deployment(),
      { spec: { template: { spec: { containers: [{ name: 'x', $patch: 'foo' }] } } } },
      500,
      '',
      'unknown patch type: foo in map: map[$patch:foo name:x]',
    ],
    ['$patch: merge in a list', deployment(), { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, 500, '', 'merging lists cannot yet be specified in the patch'],
    ['an unknown $patch on a map', deployment(), { spec: { selector: { $patch: 'bogus' } } }, 500, '', 'unknown patch type: bogus in map: map[$patch:bogus]'],
    [
      'a patch list out of $setElementOrder order',
      deployment(),
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [c('b'), c('a')] } } } },
      500,
      '',
      "the order in patch list:\n[map[image:b name:b] map[image:a name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]",
    ],
  ])('fails on %s', (_name, live, patch, code, reason, message) => {
    const err = catchPatchError(() => smp(live, patch));
    expect([err.code, err.reason, err.message]).toEqual([code, reason, message]);
  });
});
