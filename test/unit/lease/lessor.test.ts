import { describe, expect, it } from 'vitest';
import { etcdErrorOf } from '../../support/etcd-error.js';
import { Lessor } from '../../../src/lease/index.js';

function clocked(minTtlSeconds = 2): { lessor: Lessor; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { lessor: new Lessor({ now: () => clock.now, minTtlSeconds }), clock };
}

describe('lessor', () => {
  it('raises a TTL below the minimum, refuses one above 9e9 s and an id already granted', () => {
    const { lessor } = clocked();
    expect(lessor.grant(1n, 1).ttl).toBe(2);
    expect(lessor.grant(2n, -5).ttl).toBe(2);
    expect(lessor.grant(3n, 9_000_000_000).ttl).toBe(9_000_000_000);
    expect(etcdErrorOf(() => lessor.grant(4n, 9_000_000_001))).toBe('etcdserver: too large lease TTL');
    expect(etcdErrorOf(() => lessor.grant(1n, 10))).toBe('etcdserver: lease already exists');
    expect(() => lessor.grant(0n, 10)).toThrow(RangeError); // the server picks ids for ID=0
    expect(lessor.leaseIds()).toEqual([1n, 2n, 3n]);
  });

  it('revoking returns the attached keys in byte order and forgets them', () => {
    const { lessor } = clocked();
    lessor.grant(5n, 10);
    for (const key of ['b', 'a', '\xff', 'c', 'a\x00']) lessor.attach(5n, key);
    lessor.detach(5n, 'c');
    expect(lessor.leaseOf('a')).toBe(5n);
    expect(lessor.leaseOf('c')).toBe(0n);
    expect([...lessor.lookup(5n)!.keys].sort()).toEqual(['a', 'a\x00', 'b', '\xff']);
    expect(lessor.revoke(5n)).toEqual(['a', 'a\x00', 'b', '\xff']);
    expect(lessor.leaseOf('a')).toBe(0n);
    expect(lessor.lookup(5n)).toBeUndefined();
    expect(etcdErrorOf(() => lessor.revoke(5n))).toBe('etcdserver: requested lease not found');
    expect(etcdErrorOf(() => lessor.attach(5n, 'x'))).toBe('etcdserver: requested lease not found');
  });

  it('moving a key to another lease: detaching from the old one leaves the new attachment alone', () => {
    const { lessor } = clocked();
    lessor.grant(1n, 10);
    lessor.grant(2n, 10);
    lessor.attach(1n, 'k');
    lessor.attach(2n, 'k');
    lessor.detach(1n, 'k');
    expect(lessor.leaseOf('k')).toBe(2n);
    expect(lessor.revoke(1n)).toEqual([]);
    lessor.detach(1n, 'k'); // an unknown lease is ignored, as etcd's put does
    expect(lessor.revoke(2n)).toEqual(['k']);
  });

  it('leases expire only on the primary, after their TTL, soonest first and at most `limit` at a time', () => {
    const { lessor, clock } = clocked();
    lessor.grant(1n, 10);
    lessor.grant(2n, 5);
    lessor.grant(3n, 7);
    clock.now += 60_000;
    expect(lessor.expired(10)).toEqual([]); // not primary: never expires here

    lessor.promote(0);
    clock.now += 6_999;
    expect(lessor.expired(10)).toEqual([2n]);
    clock.now += 1;
    expect(lessor.expired(1)).toEqual([2n]);
    expect(lessor.expired(10)).toEqual([2n, 3n]); // still there until revoked
    lessor.revoke(2n);
    expect(lessor.expired(10)).toEqual([3n]);
    expect(lessor.expired(0)).toEqual([]);
  });

  it('leases due at the same moment come out in id order', () => {
    const { lessor, clock } = clocked();
    lessor.promote(0);
    for (const id of [9n, 4n, 7n, 1n]) lessor.grant(id, 3);
    clock.now += 3_000;
    expect(lessor.expired(3)).toEqual([1n, 4n, 7n]);
    expect(lessor.expired(10)).toEqual([1n, 4n, 7n, 9n]);
  });

  it('a keep-alive pushes expiry a full TTL from now', () => {
    const { lessor, clock } = clocked();
    lessor.promote(0);
    lessor.grant(1n, 10);
    clock.now += 9_000;
    expect(lessor.renew(1n)).toBe(10);
    clock.now += 9_000;
    expect(lessor.expired(10)).toEqual([]);
    clock.now += 1_000;
    expect(lessor.expired(10)).toEqual([1n]);
    expect(etcdErrorOf(() => lessor.renew(99n))).toBe('etcdserver: requested lease not found');
  });

  it('a keep-alive does not revive a lease past its expiry: its revocation is due', () => {
    const { lessor, clock } = clocked();
    lessor.promote(0);
    lessor.grant(1n, 10);
    clock.now += 10_000;
    expect(etcdErrorOf(() => lessor.renew(1n))).toBe('etcdserver: requested lease not found');
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('a member that is not primary answers keep-alives with the granted TTL and tracks no expiry', () => {
    const { lessor, clock } = clocked();
    lessor.grant(1n, 10);
    clock.now += 60_000;
    expect(lessor.renew(1n)).toBe(10);
    expect(lessor.expired(10)).toEqual([]);
  });

  it('a new primary extends every lease, so none expires early across a leader change', () => {
    const { lessor, clock } = clocked();
    lessor.promote(0);
    lessor.grant(1n, 10);
    lessor.demote();
    clock.now += 9_500; // on the old leader this lease had half a second left
    lessor.promote(1_000);
    clock.now += 10_999;
    expect(lessor.expired(10)).toEqual([]);
    clock.now += 1;
    expect(lessor.expired(10)).toEqual([1n]);
    lessor.demote();
    expect(lessor.expired(10)).toEqual([]);
    expect(lessor.isPrimary).toBe(false);
  });

  it('time-to-live: remaining whole seconds (rounded down) on the primary, the granted TTL elsewhere', () => {
    const { lessor, clock } = clocked();
    lessor.grant(1n, 10);
    lessor.attach(1n, 'k');
    lessor.attach(1n, 'a');
    expect(lessor.timeToLive(1n)).toEqual({ ttl: 10, grantedTtl: 10, keys: ['a', 'k'] });
    lessor.promote(0);
    expect(lessor.timeToLive(1n)!.ttl).toBe(10);
    clock.now += 1; // as etcd: a fresh 60 s lease reports 59
    expect(lessor.timeToLive(1n)!.ttl).toBe(9);
    clock.now += 2_499;
    expect(lessor.timeToLive(1n)!.ttl).toBe(7);
    clock.now += 7_500;
    expect(lessor.timeToLive(1n)).toEqual({ ttl: 0, grantedTtl: 10, keys: ['a', 'k'] });
    clock.now += 5_000; // expired, revocation pending: 0, never negative
    expect(lessor.timeToLive(1n)!.ttl).toBe(0);
    expect(lessor.timeToLive(2n)).toBeUndefined();
  });

  it('round-trips through its records, attachments aside; a restored lessor is not primary', () => {
    const { lessor } = clocked();
    lessor.grant(3n, 30);
    lessor.grant(1n, 1);
    lessor.attach(3n, 'k');
    const copy = Lessor.fromRecords(lessor.toRecords(), { now: () => 0, minTtlSeconds: 2 });
    expect(copy.toRecords()).toEqual([
      { id: 1n, ttl: 2 },
      { id: 3n, ttl: 30 },
    ]);
    expect(copy.isPrimary).toBe(false);
    expect(copy.leaseOf('k')).toBe(0n);
    expect(copy.expired(10)).toEqual([]);
  });

  it('a checkpoint kept in its record is what a restored lessor gives the lease on promotion', () => {
    const { lessor } = clocked();
    lessor.grant(1n, 60);
    lessor.grant(2n, 60);
    lessor.checkpoint(1n, 20);
    expect(lessor.toRecords()).toEqual([{ id: 1n, ttl: 60, remainingTtl: 20 }, { id: 2n, ttl: 60 }]);
    const clock = { now: 0 };
    const copy = Lessor.fromRecords(lessor.toRecords(), { now: () => clock.now, minTtlSeconds: 2 });
    copy.promote(1000);
    expect(copy.timeToLive(1n)!.ttl).toBe(21);
    expect(copy.timeToLive(2n)!.ttl).toBe(61);
  });

  it('restoring raises records below the current minimum TTL, as etcd does on recovery', () => {
    const copy = Lessor.fromRecords([{ id: 1n, ttl: 2 }], { now: () => 0, minTtlSeconds: 5 });
    expect(copy.toRecords()).toEqual([{ id: 1n, ttl: 5 }]);
  });

  it('handles a million leases: promote, keep-alives and expiry in batches', () => {
    const { lessor, clock } = clocked();
    const count = 1_000_000;
    for (let id = 1; id <= count; id++) lessor.grant(BigInt(id), 5 + (id % 50));
    lessor.promote(0);
    clock.now += 4_000;
    for (let id = 1; id <= count; id += 2) lessor.renew(BigInt(id));
    clock.now += 5_999;
    // Due now: even ids with a TTL of at most 9 s (id % 50 in 0, 2, 4); the renewed odd ones live to 10 s.
    const due = lessor.expired(count);
    expect(due.length).toBe(count / 50 * 3);
    expect(due.every((id) => id % 2n === 0n)).toBe(true);
    let revoked = 0;
    for (let batch = lessor.expired(1000); batch.length > 0; batch = lessor.expired(1000)) {
      for (const id of batch) lessor.revoke(id);
      revoked += batch.length;
    }
    expect(revoked).toBe(due.length);
    expect(lessor.leaseIds().length).toBe(count - revoked);
  });
});
