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
    expect(etcdErrorOf(() => lessor.grant(2n, 9_000_000_001))).toBe('etcdserver: too large lease TTL');
    expect(etcdErrorOf(() => lessor.grant(1n, 10))).toBe('etcdserver: lease already exists');
  });

  it('revoking returns the attached keys in byte order and forgets them', () => {
    const { lessor } = clocked();
    lessor.grant(5n, 10);
    for (const key of ['b', 'a', '\xff', 'c']) lessor.attach(5n, key);
    lessor.detach(5n, 'c');
    expect(lessor.leaseOf('a')).toBe(5n);
    expect(lessor.revoke(5n)).toEqual(['a', 'b', '\xff']);
    expect(lessor.leaseOf('a')).toBe(0n);
    expect(etcdErrorOf(() => lessor.revoke(5n))).toBe('etcdserver: requested lease not found');
    expect(etcdErrorOf(() => lessor.attach(5n, 'x'))).toBe('etcdserver: requested lease not found');
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

  it('a new primary extends every lease, so none expires early across a leader change', () => {
    const { lessor, clock } = clocked();
    lessor.grant(1n, 10);
    clock.now += 9_500; // on the old leader this lease had half a second left
    lessor.promote(1_000);
    clock.now += 10_999;
    expect(lessor.expired(10)).toEqual([]);
    clock.now += 1;
    expect(lessor.expired(10)).toEqual([1n]);
    lessor.demote();
    expect(lessor.expired(10)).toEqual([]);
  });

  it('time-to-live: remaining seconds rounded up on the primary, the granted TTL elsewhere', () => {
    const { lessor, clock } = clocked();
    lessor.grant(1n, 10);
    lessor.attach(1n, 'k');
    expect(lessor.timeToLive(1n)).toEqual({ ttl: 10, grantedTtl: 10, keys: ['k'] });
    lessor.promote(0);
    clock.now += 2_500;
    expect(lessor.timeToLive(1n)!.ttl).toBe(8);
    expect(lessor.timeToLive(2n)).toBeUndefined();
  });

  it('round-trips through its records, attachments aside', () => {
    const { lessor } = clocked();
    lessor.grant(3n, 30);
    lessor.grant(1n, 1);
    const copy = Lessor.fromRecords(lessor.toRecords(), { now: () => 0, minTtlSeconds: 2 });
    expect(copy.toRecords()).toEqual([
      { id: 1n, ttl: 2 },
      { id: 3n, ttl: 30 },
    ]);
    expect(copy.isPrimary).toBe(false);
  });
});
