import { describe, expect, it } from 'vitest';
import { StateType } from '../../../src/raft/index.js';
import { Harness } from '../../support/raft-harness.js';

describe('a three-member cluster', () => {
  it('elects the node that campaigns and replicates a proposal to everyone', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    expect(h.state(1n)).toBe(StateType.Leader);
    expect(h.leaders()).toEqual([1n]);
    h.propose(1n, 'hello');
    h.stabilize();
    for (const id of [1n, 2n, 3n]) expect(h.appliedData(id)).toEqual(['hello']);
  });

  it('single member elects itself and commits alone', () => {
    const h = new Harness([1n]);
    h.campaign(1n);
    expect(h.state(1n)).toBe(StateType.Leader);
    h.propose(1n, 'x');
    h.stabilize();
    expect(h.appliedData(1n)).toEqual(['x']);
  });

  it('elects by timeout', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.tick(1n, 10);
    h.stabilize();
    expect(h.leaders()).toEqual([1n]);
  });
});
