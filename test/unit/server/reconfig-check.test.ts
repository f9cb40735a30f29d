// --strict-reconfig-check's arithmetic, as etcd's IsReadyToAddVotingMember / IsReadyToRemoveVotingMember /
// IsReadyToPromoteMember and its connectivity checks count: which changes pass, and with which error.

import { describe, expect, it } from 'vitest';
import { ConfChangeType, type ConfChange } from '../../../src/raft/index.js';
import { checkReconfiguration } from '../../../src/server/reconfig-check.js';
import type { Member } from '../../../src/server/members.js';

const member = (id: number, opts: { started?: boolean; learner?: boolean } = {}): Member => ({
  id: BigInt(id),
  name: opts.started === false ? '' : `m${id}`,
  peerUrls: [`http://127.0.0.1:${2380 + id}`],
  clientUrls: [],
  isLearner: opts.learner ?? false,
});

/** The error message checkReconfiguration throws for `cc` (member 1 asking), or 'ok'. */
async function verdict(cc: ConfChange, members: readonly Member[], down: readonly number[] = []): Promise<string> {
  const reachable = (m: Member): Promise<boolean> => Promise.resolve(!down.includes(Number(m.id)));
  return checkReconfiguration(cc, { selfId: 1n, members, reachable }).then(
    () => 'ok',
    (err: unknown) => (err as Error).message,
  );
}

const add = (id: number): ConfChange => ({ type: ConfChangeType.AddNode, nodeId: BigInt(id), context: new Uint8Array() });
const addLearner = (id: number): ConfChange => ({ type: ConfChangeType.AddLearnerNode, nodeId: BigInt(id), context: new Uint8Array() });
const remove = (id: number): ConfChange => ({ type: ConfChangeType.RemoveNode, nodeId: BigInt(id), context: new Uint8Array() });

const UNHEALTHY = 'etcdserver: unhealthy cluster';
const NOT_STARTED = 'etcdserver: re-configuration failed due to not enough started members';
const three = [member(1), member(2), member(3)];

describe('checkReconfiguration', () => {
  it('adds a voter or a learner only when every voter is connected', async () => {
    expect(await verdict(add(4), three)).toBe('ok');
    expect(await verdict(add(4), three, [3])).toBe(UNHEALTHY);
    expect(await verdict(addLearner(4), three, [3])).toBe(UNHEALTHY);
  });

  it('adds a voter only when the started voters stay a quorum (a one-member cluster may always grow to two)', async () => {
    expect(await verdict(add(5), [member(1), member(2), member(3, { started: false }), member(4, { started: false })])).toBe(NOT_STARTED);
    expect(await verdict(add(2), [member(1)])).toBe('ok');
  });

  it('removes a live voter only when the rest keep a quorum of connected voters; a dead one or a learner always', async () => {
    expect(await verdict(remove(2), three)).toBe('ok');
    expect(await verdict(remove(2), three, [3])).toBe(UNHEALTHY);
    expect(await verdict(remove(3), three, [3])).toBe('ok');
    expect(await verdict(remove(4), [...three, member(4, { learner: true })], [2, 3])).toBe('ok');
    expect(await verdict(remove(1), [member(1), member(2), member(3, { started: false })])).toBe(NOT_STARTED);
  });

  it('promotes a learner only when the started voters and it make a quorum', async () => {
    const learner = member(4, { learner: true });
    expect(await verdict(add(4), [...three, learner])).toBe('ok');
    expect(await verdict(add(4), [member(1), member(2, { started: false }), member(3, { started: false }), learner])).toBe(NOT_STARTED);
  });
});
