import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lessor } from '../../../src/lease/index.js';

// The lessor against a plain map of id → { ttl, expiry } under a moving clock.
type Op =
  | { kind: 'grant'; id: number; ttl: number }
  | { kind: 'revoke'; id: number }
  | { kind: 'renew'; id: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'promote'; extendMs: number }
  | { kind: 'demote' };

const idArb = fc.integer({ min: 1, max: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('grant' as const), id: idArb, ttl: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('revoke' as const), id: idArb }),
  fc.record({ kind: fc.constant('renew' as const), id: idArb }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8000 }) }),
  fc.record({ kind: fc.constant('promote' as const), extendMs: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('demote' as const) }),
);

describe('lessor against a model', () => {
  it('agrees on which leases exist, which expired (in order) and their remaining TTL', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        let now = 0;
        const lessor = new Lessor({ now: () => now, minTtlSeconds: 2 });
        const model = new Map<bigint, { ttl: number; expiry: number }>();
        let primary = false;
        for (const op of ops) {
          const id = 'id' in op ? BigInt(op.id) : 0n;
          switch (op.kind) {
            case 'grant': {
              const exists = model.has(id);
              expect(throws(() => lessor.grant(id, op.ttl))).toBe(exists);
              if (!exists) {
                const ttl = Math.max(2, op.ttl);
                model.set(id, { ttl, expiry: primary ? now + ttl * 1000 : Infinity });
              }
              break;
            }
            case 'revoke':
              expect(throws(() => lessor.revoke(id))).toBe(!model.has(id));
              model.delete(id);
              break;
            case 'renew': {
              const lease = model.get(id);
              expect(throws(() => lessor.renew(id))).toBe(lease === undefined);
              if (lease && primary) lease.expiry = now + lease.ttl * 1000;
              break;
            }
            case 'advance':
              now += op.ms;
              break;
            case 'promote':
              primary = true;
              for (const lease of model.values()) lease.expiry = now + lease.ttl * 1000 + op.extendMs;
              lessor.promote(op.extendMs);
              break;
            case 'demote':
              primary = false;
              for (const lease of model.values()) lease.expiry = Infinity;
              lessor.demote();
              break;
          }
          const due = [...model.entries()].filter(([, l]) => l.expiry <= now).sort((a, b) => a[1].expiry - b[1].expiry || (a[0] < b[0] ? -1 : 1));
          const got = lessor.expired(100);
          expect(new Set(got)).toEqual(new Set(due.map(([leaseId]) => leaseId)));
          // Soonest first (ties in any order).
          const expiries = got.map((leaseId) => model.get(leaseId)!.expiry);
          expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
          expect(lessor.leaseIds()).toEqual([...model.keys()].sort((a, b) => (a < b ? -1 : 1)));
          for (const [leaseId, lease] of model) {
            const expected = primary ? Math.max(0, Math.ceil((lease.expiry - now) / 1000)) : lease.ttl;
            expect(lessor.timeToLive(leaseId)).toMatchObject({ ttl: expected, grantedTtl: lease.ttl });
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

function throws(action: () => unknown): boolean {
  try {
    action();
    return false;
  } catch {
    return true;
  }
}
