// The FitError message, preemption verdict included, character for character as kube-scheduler's.

import { describe, expect, it } from 'vitest';
import { fitErrorMessage } from '../../../src/scheduler/fit-error.js';
import { unresolvable, unschedulable, type Status } from '../../../src/scheduler/framework.js';

describe('FitError message', () => {
  it.each([
    [
      'reasons counted and sorted as strings, then the preemption verdict',
      3,
      [unschedulable('Insufficient cpu'), unresolvable('node(s) had untolerated taint {dedicated: gpu}'), unresolvable('node(s) had untolerated taint {dedicated: gpu}')],
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..',
    ],
    ['several reasons from one node each count', 1, [unschedulable('Insufficient cpu', 'Insufficient memory')], undefined, '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.'],
    ['"10 …" sorts before "2 …"', 12, [...Array(10).fill(unschedulable('b')), unschedulable('a'), unschedulable('a')], undefined, '0/12 nodes are available: 10 b, 2 a.'],
  ] as Array<[string, number, Status[], string | undefined, string]>)('%s', (_name, nodes, statuses, postFilterMessage, expected) => {
    const nodeStatuses = new Map(statuses.map((s, i) => [`n${i}`, s]));
    expect(fitErrorMessage(nodes, { nodeStatuses, postFilterMessage })).toBe(expected);
  });

  it('a PreFilter rejection replaces the histogram', () => {
    expect(fitErrorMessage(3, { nodeStatuses: new Map(), preFilterMessage: 'persistentvolumeclaim "data" not found' })).toBe('0/3 nodes are available: persistentvolumeclaim "data" not found.');
  });
});
