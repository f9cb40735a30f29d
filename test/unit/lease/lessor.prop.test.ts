import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etcdErrorOf } from '../../support/etcd-error.js';
import { Lessor } from '../../../src/lease/index.js';

// The lessor against a plain model (maps of leases and attachments) under a fake clock that moves forward.
type Op =
  | { kind: 'grant'; id: bigint; ttl: number }
  | { kind: 'revoke'; id: bigint }
  | { kind: 'renew'; id: bigint }
  | { kind: 'attach'; id: bigint; key: string }
  | { kind: 'detach'; id: bigint; key: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'promote'; extendMs: number }
  | { kind: 'demote' }
  | { kind: 'expired'; limit: number };

const MIN_TTL = 2;
const KEYS = ['a', 'a\x00', 'b', '\xff'];
const idArb = fc.bigInt({ min: 1n, max: 6n });
const keyArb = fc.constantFrom(...KEYS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      id: idArb,
      ttl: fc.oneof(fc.integer({ min: -3, max: 20 }), fc.constantFrom(9_000_000_000, 9_000_000_001)),
    }),
  },
  fc.record({ kind: fc.constant('revoke' as const), id: idArb }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('renew' as const), id: idArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('attach' as const), id: idArb, key: keyArb }) },
  fc.record({ kind: fc.constant('detach' as const), id: idArb, key: keyArb }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8000 }) }) },
  fc.record({ kind: fc.constant('promote' as const), extendMs: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('demote' as const) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expired' as const), limit: fc.integer({ min: 0, max: 4 }) }) },
);

interface ModelLease {
  readonly ttl: number;
  expiry: number;
  readonly keys: Set<string>;
}

class Model {
  now = 0;
  primary = false;
  readonly leases = new Map<bigint, ModelLease>();
  readonly leaseOfKey = new Map<string, bigint>();

  /** The message of the etcd error the operation should raise, or undefined. */
  apply(op: Op): string | undefined {
    const lease = 'id' in op ? this.leases.get(op.id) : undefined;
    switch (op.kind) {
      case 'grant': {
        if (op.ttl > 9_000_000_000) return 'etcdserver: too large lease TTL';
        if (lease) return 'etcdserver: lease already exists';
        const ttl = Math.max(op.ttl, MIN_TTL);
        this.leases.set(op.id, { ttl, expiry: this.primary ? this.now + ttl * 1000 : Infinity, keys: new Set() });
        return undefined;
      }
      case 'revoke':
        if (!lease) return 'etcdserver: requested lease not found';
        for (const key of lease.keys) if (this.leaseOfKey.get(key) === op.id) this.leaseOfKey.delete(key);
        this.leases.delete(op.id);
        return undefined;
      case 'renew':
        if (!lease || (this.primary && lease.expiry <= this.now)) return 'etcdserver: requested lease not found';
        if (this.primary) lease.expiry = this.now + lease.ttl * 1000;
        return undefined;
      case 'attach':
        if (!lease) return 'etcdserver: requested lease not found';
        lease.keys.add(op.key);
        this.leaseOfKey.set(op.key, op.id);
        return undefined;
      case 'detach':
        lease?.keys.delete(op.key);
        if (this.leaseOfKey.get(op.key) === op.id) this.leaseOfKey.delete(op.key);
        return undefined;
      case 'advance':
        this.now += op.ms;
        return undefined;
      case 'promote':
        this.primary = true;
        for (const l of this.leases.values()) l.expiry = this.now + l.ttl * 1000 + op.extendMs;
        return undefined;
      case 'demote':
        this.primary = false;
        for (const l of this.leases.values()) l.expiry = Infinity;
        return undefined;
      case 'expired':
        return undefined;
    }
  }

  expired(limit: number): bigint[] {
    return [...this.leases.entries()]
      .filter(([, l]) => l.expiry <= this.now)
      .sort(([idA, a], [idB, b]) => a.expiry - b.expiry || compareIds(idA, idB))
      .slice(0, limit)
      .map(([id]) => id);
  }

  timeToLive(id: bigint): { ttl: number; grantedTtl: number; keys: string[] } | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    const ttl = this.primary ? Math.max(0, Math.floor((lease.expiry - this.now) / 1000)) : lease.ttl;
    return { ttl, grantedTtl: lease.ttl, keys: byteOrder([...lease.keys]) };
  }
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byteOrder(keys: string[]): string[] {
  const bytes = (key: string) => Buffer.from(key, 'latin1');
  return keys.sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
}

/** What the operation should return, from the model before it applies the operation. */
function expectedResult(model: Model, op: Op): unknown {
  switch (op.kind) {
    case 'grant':
      return Math.max(op.ttl, MIN_TTL);
    case 'renew':
      return model.leases.get(op.id)?.ttl;
    case 'revoke':
      return byteOrder([...(model.leases.get(op.id)?.keys ?? [])]);
    case 'expired':
      return model.expired(op.limit);
    default:
      return undefined;
  }
}

function run(lessor: Lessor, op: Op): unknown {
  switch (op.kind) {
    case 'grant':
      return lessor.grant(op.id, op.ttl).ttl;
    case 'revoke':
      return lessor.revoke(op.id);
    case 'renew':
      return lessor.renew(op.id);
    case 'attach':
      return lessor.attach(op.id, op.key);
    case 'detach':
      return lessor.detach(op.id, op.key);
    case 'advance':
      return undefined;
    case 'promote':
      return lessor.promote(op.extendMs);
    case 'demote':
      return lessor.demote();
    case 'expired':
      return lessor.expired(op.limit);
  }
}

describe('lessor against a model', () => {
  it('agrees on errors, revoked keys, expiry order and limit, remaining TTLs, leases and attachments', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 100, size: 'max' }), (ops) => {
        const model = new Model();
        const lessor = new Lessor({ now: () => model.now, minTtlSeconds: MIN_TTL });
        for (const op of ops) {
          const expected = expectedResult(model, op);
          let result: unknown;
          const error = etcdErrorOf(() => (result = run(lessor, op)));
          expect(error).toBe(model.apply(op));
          if (error === undefined) expect(result).toEqual(expected);

          expect(lessor.isPrimary).toBe(model.primary);
          expect(lessor.leaseIds()).toEqual([...model.leases.keys()].sort(compareIds));
          expect(lessor.expired(10)).toEqual(model.expired(10));
          for (const id of [1n, 2n, 3n, 4n, 5n, 6n]) {
            expect(lessor.timeToLive(id)).toEqual(model.timeToLive(id));
            expect(lessor.lookup(id)?.ttl).toBe(model.leases.get(id)?.ttl);
          }
          for (const key of KEYS) expect(lessor.leaseOf(key)).toBe(model.leaseOfKey.get(key) ?? 0n);
        }
        const restored = Lessor.fromRecords(lessor.toRecords(), { now: () => model.now, minTtlSeconds: MIN_TTL });
        expect(restored.toRecords()).toEqual(lessor.toRecords());
        expect(restored.isPrimary).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
