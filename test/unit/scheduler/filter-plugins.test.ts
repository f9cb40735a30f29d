// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts and NodeResourcesFit filters:
// the status codes and reason strings upstream's plugins return.

import { describe, expect, it } from 'vitest';
import type { Plugin, Status } from '../../../src/scheduler/framework.js';
import { nodeAffinity } from '../../../src/scheduler/plugins/node-affinity.js';
import { nodeName } from '../../../src/scheduler/plugins/node-name.js';
import { nodePorts } from '../../../src/scheduler/plugins/node-ports.js';
import { nodeResourcesFit } from '../../../src/scheduler/plugins/node-resources-fit.js';
import { nodeUnschedulable } from '../../../src/scheduler/plugins/node-unschedulable.js';
import { taintToleration } from '../../../src/scheduler/plugins/taint-toleration.js';
import type { Node, Pod } from '../../../src/scheduler/types.js';
import { info, makeNode, makePod } from './fixtures.js';

function filter(plugin: Plugin, pod: Pod, node: Node, existing: Pod[] = []): Omit<Status, 'plugin'> {
  const nodeInfo = info(node, existing);
  return plugin.forPod(pod, [nodeInfo]).filter!(nodeInfo);
}

const ok = { code: 'Success', reasons: [] };
const unresolvable = (reason: string) => ({ code: 'UnschedulableAndUnresolvable', reasons: [reason] });
const unschedulable = (...reasons: string[]) => ({ code: 'Unschedulable', reasons });

describe('NodeUnschedulable', () => {
  const cordoned = makeNode('n', undefined, { unschedulable: true });
  it.each([
    ['a schedulable node', makePod('p'), makeNode('n'), ok],
    ['a cordoned node', makePod('p'), cordoned, unresolvable('node(s) were unschedulable')],
    ['a cordoned node, tolerated', makePod('p', {}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), cordoned, ok],
  ])('%s', (_name, pod, node, expected) => expect(filter(nodeUnschedulable, pod, node)).toEqual(expected));
});

describe('NodeName', () => {
  it.each([
    ['no nodeName', undefined, ok],
    ['this node', 'n', ok],
    ['another node', 'other', unresolvable("node(s) didn't match the requested node name")],
  ])('%s', (_name, wanted, expected) => expect(filter(nodeName, makePod('p', {}, { nodeName: wanted }), makeNode('n'))).toEqual(expected));
});

describe('TaintToleration filter', () => {
  const tainted = makeNode('n', undefined, {
    taints: [
      { key: 'soft', value: 'x', effect: 'PreferNoSchedule' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ],
  });
  it.each([
    ['no tolerations: the first hard taint is named', [], unresolvable('node(s) had untolerated taint {dedicated: gpu}')],
    ['Equal toleration on the first: the next, with an empty value', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const }], unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
    ['a wrong value does not tolerate', [{ key: 'dedicated', value: 'cpu' }, { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' as const }], unresolvable('node(s) had untolerated taint {dedicated: gpu}')],
    ['Exists with no key tolerates everything', [{ operator: 'Exists' as const }], ok],
    ['a NoExecute toleration does not cover NoSchedule', [{ operator: 'Exists' as const, effect: 'NoExecute' as const }], unresolvable('node(s) had untolerated taint {dedicated: gpu}')],
  ])('%s', (_name, tolerations, expected) => expect(filter(taintToleration, makePod('p', {}, { tolerations }), tainted)).toEqual(expected));
});

describe('NodeAffinity filter', () => {
  const node = makeNode('n', undefined, { labels: { zone: 'a', gen: '5' } });
  const required = (matchExpressions: unknown[], matchFields: unknown[] = []) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions, matchFields }] } } }) as Pod['spec']['affinity'];
  const miss = unresolvable("node(s) didn't match Pod's node affinity/selector");
  it.each([
    ['nodeSelector matches', { nodeSelector: { zone: 'a' } }, ok],
    ['nodeSelector misses', { nodeSelector: { zone: 'b' } }, miss],
    ['In', { affinity: required([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]) }, ok],
    ['NotIn', { affinity: required([{ key: 'zone', operator: 'NotIn', values: ['a'] }]) }, miss],
    ['Exists', { affinity: required([{ key: 'gen', operator: 'Exists' }]) }, ok],
    ['DoesNotExist', { affinity: required([{ key: 'gen', operator: 'DoesNotExist' }]) }, miss],
    ['Gt', { affinity: required([{ key: 'gen', operator: 'Gt', values: ['4'] }]) }, ok],
    ['Lt', { affinity: required([{ key: 'gen', operator: 'Lt', values: ['5'] }]) }, miss],
    ['matchFields metadata.name', { affinity: required([], [{ key: 'metadata.name', operator: 'In', values: ['n'] }]) }, ok],
    ['an empty term matches nothing', { affinity: required([]) }, miss],
    ['nodeSelector and affinity both needed', { nodeSelector: { zone: 'b' }, affinity: required([{ key: 'zone', operator: 'In', values: ['a'] }]) }, miss],
  ])('%s', (_name, spec, expected) => expect(filter(nodeAffinity, makePod('p', {}, spec as Partial<Pod['spec']>), node)).toEqual(expected));
});

describe('NodePorts', () => {
  const withPort = (hostPort: number, hostIP?: string, protocol?: string): Pod => {
    const pod = makePod('p');
    pod.spec.containers[0]!.ports = [{ containerPort: 80, hostPort, hostIP, protocol }];
    return pod;
  };
  const busy = "node(s) didn't have free ports for the requested pod ports";
  it.each([
    ['a free port', withPort(8080), [withPort(8081)], ok],
    ['the same port', withPort(8080), [withPort(8080)], unschedulable(busy)],
    ['the same port, other protocol', withPort(8080, undefined, 'UDP'), [withPort(8080)], ok],
    ['different addresses', withPort(8080, '127.0.0.1'), [withPort(8080, '127.0.0.2')], ok],
    ['0.0.0.0 against an address', withPort(8080, '127.0.0.1'), [withPort(8080)], unschedulable(busy)],
  ])('%s', (_name, pod, existing, expected) => expect(filter(nodePorts, pod, makeNode('n'), existing)).toEqual(expected));
});

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', 'example.com/gpu': '1' });
  const fit = nodeResourcesFit();
  it.each([
    ['fits', makePod('p', { cpu: '1', memory: '1Gi' }), [makePod('e', { cpu: '1' })], ok],
    ['cpu short', makePod('p', { cpu: '1500m' }), [makePod('e', { cpu: '1' })], unschedulable('Insufficient cpu')],
    ['cpu and memory short', makePod('p', { cpu: '3', memory: '5Gi' }), [], unschedulable('Insufficient cpu', 'Insufficient memory')],
    ['an extended resource short', makePod('p', { 'example.com/gpu': '2' }), [], unschedulable('Insufficient example.com/gpu')],
    ['an extended resource the node lacks', makePod('p', { 'example.com/fpga': '1' }), [], unschedulable('Insufficient example.com/fpga')],
    ['too many pods, and nothing else checked for a request-less pod', makePod('p'), [makePod('a'), makePod('b'), makePod('c')], unschedulable('Too many pods')],
    ['too many pods and cpu short', makePod('p', { cpu: '3' }), [makePod('a'), makePod('b'), makePod('c')], unschedulable('Too many pods', 'Insufficient cpu')],
  ])('%s', (_name, pod, existing, expected) => expect(filter(fit, pod, node, existing)).toEqual(expected));
});
