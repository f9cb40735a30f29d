import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventType, type MvccEvent } from '../../../src/mvcc/index.js';
import { StateMachine } from '../../../src/server/state-machine.js';
import { StateBackend } from '../../../src/storage/backend.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function open(path?: string): Promise<{ sm: StateMachine; path: string }> {
  const dbPath = path ?? join(await mkdtemp(join(tmpdir(), 'barge-sm-')), 'db');
  if (!path) dirs.push(join(dbPath, '..'));
  const sm = await StateMachine.open(await StateBackend.open(dbPath), { now: () => 0, minLeaseTtlSeconds: 2 });
  return { sm, path: dbPath };
}

describe('state machine: leases over the keyspace', () => {
  it('revoking a lease deletes its keys in one revision, one DELETE event each', async () => {
    const { sm } = await open();
    const events: MvccEvent[] = [];
    sm.leaseGrant(7n, 30);
    sm.kv.put({ key: b('a'), value: b('1'), lease: 7n });
    sm.kv.put({ key: b('b'), value: b('2'), lease: 7n });
    sm.kv.put({ key: b('c'), value: b('3') });
    sm.watches.watch({ key: b('\0'), rangeEnd: b('\0') }, { deliver: (d) => (events.push(...d.events), true), compacted: () => {} });
    const before = sm.store.currentRevision;
    sm.leaseRevoke(7n);
    expect(sm.store.currentRevision).toBe(before + 1);
    expect(events.map((e) => [e.type, Buffer.from(e.kv.key).toString(), e.kv.modRevision])).toEqual([
      [EventType.Delete, 'a', before + 1],
      [EventType.Delete, 'b', before + 1],
    ]);
    expect(sm.kv.range({ key: b('c') }).count).toBe(1);
    await sm.backend.close();
  });

  it('revoking a lease with no keys leaves the revision alone', async () => {
    const { sm } = await open();
    sm.leaseGrant(1n, 10);
    const before = sm.store.currentRevision;
    sm.leaseRevoke(1n);
    expect(sm.store.currentRevision).toBe(before);
    await sm.backend.close();
  });

  it('a put without a lease detaches the key, and a deleted key leaves its lease', async () => {
    const { sm } = await open();
    sm.leaseGrant(1n, 10);
    sm.kv.put({ key: b('k'), lease: 1n });
    sm.kv.put({ key: b('gone'), lease: 1n });
    sm.kv.put({ key: b('k') });
    sm.kv.deleteRange({ key: b('gone') });
    expect(sm.leaseOfKey(b('k'))).toBe(0n);
    expect(sm.lessor.timeToLive(1n)!.keys).toEqual([]);
    await sm.backend.close();
  });

  it('after a restart the leases and which keys they hold are back', async () => {
    const first = await open();
    first.sm.leaseGrant(1n, 10);
    first.sm.leaseGrant(2n, 1);
    first.sm.kv.put({ key: b('x'), lease: 1n });
    first.sm.leaseRevoke(2n);
    await first.sm.commit(4);
    await first.sm.backend.close();

    const { sm } = await open(first.path);
    expect(sm.appliedIndex).toBe(4);
    expect(sm.lessor.toRecords()).toEqual([{ id: 1n, ttl: 10 }]);
    expect(sm.leaseOfKey(b('x'))).toBe(1n);
    sm.leaseRevoke(1n);
    expect(sm.kv.range({ key: b('x') }).count).toBe(0);
    await sm.backend.close();
  });
});
