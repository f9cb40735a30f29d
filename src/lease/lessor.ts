// etcd's lessor, deterministic: time comes from the caller's clock and ids for "pick one" grants from the
// caller, so every member applying the same entries holds the same leases. Which leases exist (id, TTL,
// attached keys) is replicated state; when each expires is not: only the primary (the leader's lessor)
// tracks expiry and asks, through raft, for expired leases to be revoked.

import { Errors } from '../etcd-errors.js';
import { ExpiryQueue } from './expiry-queue.js';

export type LeaseId = bigint;

/** etcd's MaxLeaseTTL. */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

export interface Lease {
  readonly id: LeaseId;
  /** The granted TTL in seconds (after raising it to the minimum). */
  readonly ttl: number;
  readonly keys: ReadonlySet<string>;
}

export interface LeaseRecord {
  readonly id: LeaseId;
  readonly ttl: number;
  /** Seconds left as of its last checkpoint, when one was kept (etcd's persisted remainingTTL). */
  readonly remainingTtl?: number;
}

export interface LessorOptions {
  /** Milliseconds on a clock that only moves forward. */
  readonly now: () => number;
  /** Grants below this TTL get it instead (etcd derives it from the election timeout; 2 s by default). */
  readonly minTtlSeconds: number;
}

interface LeaseState {
  readonly id: LeaseId;
  readonly ttl: number;
  readonly keys: Set<string>;
  /** When it expires on the primary; Infinity elsewhere. */
  expiry: number;
  /** Seconds left as of the last checkpoint (etcd's remainingTTL); 0 when none or cleared by a renewal. */
  remainingTtl: number;
}

/** What LeaseTimeToLive reports for a lease. */
export interface LeaseTimeToLive {
  /** Remaining seconds. */
  readonly ttl: number;
  readonly grantedTtl: number;
  /** Attached keys in byte order. */
  readonly keys: string[];
}

export class Lessor {
  private readonly leases = new Map<LeaseId, LeaseState>();
  private readonly leaseOfKey = new Map<string, LeaseId>();
  private readonly expiries = new ExpiryQueue();
  private primary = false;
  /** Leases renewed on the primary while a checkpoint stood: the checkpoint must be cleared everywhere. */
  private readonly renewedSinceCheckpoint = new Set<LeaseId>();

  constructor(private readonly options: LessorOptions) {}

  static fromRecords(records: Iterable<LeaseRecord>, options: LessorOptions): Lessor {
    const lessor = new Lessor(options);
    for (const record of records) {
      lessor.grant(record.id, record.ttl);
      if (record.remainingTtl !== undefined) lessor.checkpoint(record.id, record.remainingTtl);
    }
    return lessor;
  }

  toRecords(): LeaseRecord[] {
    return this.leaseIds().map((id) => {
      const { ttl, remainingTtl } = this.leases.get(id)!;
      return { id, ttl, ...(remainingTtl > 0 ? { remainingTtl } : {}) };
    });
  }

  get isPrimary(): boolean {
    return this.primary;
  }

  grant(id: LeaseId, ttlSeconds: number): Lease {
    if (id <= 0n) throw new RangeError(`lease id must be positive, got ${id}`);
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) throw Errors.leaseTtlTooLarge();
    if (this.leases.has(id)) throw Errors.leaseExist();
    const ttl = Math.max(ttlSeconds, this.options.minTtlSeconds);
    const lease: LeaseState = { id, ttl, keys: new Set(), expiry: Infinity, remainingTtl: 0 };
    this.leases.set(id, lease);
    if (this.primary) this.refresh(lease);
    return lease;
  }

  /** Removes the lease and returns its keys in byte order, for the caller to delete in one revision. */
  revoke(id: LeaseId): string[] {
    const lease = this.leases.get(id);
    if (lease === undefined) throw Errors.leaseNotFound();
    this.leases.delete(id);
    for (const key of lease.keys) if (this.leaseOfKey.get(key) === id) this.leaseOfKey.delete(key);
    this.dropStaleExpiries();
    return sortedKeys(lease);
  }

  /**
   * A keep-alive on the primary: the lease lives another TTL. Returns the granted TTL. A lease already past
   * its expiry is not revived: its revocation is due (or in flight), and etcd's Renew waits for it and then
   * answers "not found"; here that answer comes at once.
   */
  renew(id: LeaseId): number {
    const lease = this.leases.get(id);
    if (lease === undefined) throw Errors.leaseNotFound();
    if (this.primary) {
      if (lease.expiry <= this.options.now()) throw Errors.leaseNotFound();
      this.refresh(lease);
      if (lease.remainingTtl > 0) this.renewedSinceCheckpoint.add(id);
    }
    return lease.ttl;
  }

  attach(id: LeaseId, key: string): void {
    const lease = this.leases.get(id);
    if (lease === undefined) throw Errors.leaseNotFound();
    lease.keys.add(key);
    this.leaseOfKey.set(key, id);
  }

  /** An unknown lease is ignored: etcd's Detach errs there and its caller (a put) logs and goes on. */
  detach(id: LeaseId, key: string): void {
    this.leases.get(id)?.keys.delete(key);
    if (this.leaseOfKey.get(key) === id) this.leaseOfKey.delete(key);
  }

  /** The lease a key is attached to, 0n for none. */
  leaseOf(key: string): LeaseId {
    return this.leaseOfKey.get(key) ?? 0n;
  }

  lookup(id: LeaseId): Lease | undefined {
    return this.leases.get(id);
  }

  has(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  /**
   * etcd's TimeToLive. On the primary the remaining seconds are rounded down, as etcd's
   * int64(Remaining().Seconds()) does (a fresh 60 s lease reports 59), so the lease expires in under TTL+1 s;
   * an expired lease awaiting revocation reports 0, not a negative number a client would read as "not
   * found". etcd answers only from the leader (followers forward); a member that is not primary tracks no
   * expiry, so it reports the granted TTL: the least a new leader would give the lease on promotion.
   */
  timeToLive(id: LeaseId): LeaseTimeToLive | undefined {
    const lease = this.leases.get(id);
    if (lease === undefined) return undefined;
    const remaining = this.primary ? Math.max(0, Math.floor((lease.expiry - this.options.now()) / 1000)) : lease.ttl;
    return { ttl: remaining, grantedTtl: lease.ttl, keys: sortedKeys(lease) };
  }

  leaseIds(): LeaseId[] {
    return [...this.leases.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * This member became leader: every lease gets its TTL — what its last checkpoint left of it, if any — plus
   * `extendMs` from now, so none expires early because the old leader's clock was ahead or a keep-alive
   * was in flight during the change.
   */
  promote(extendMs: number): void {
    this.primary = true;
    const now = this.options.now();
    for (const lease of this.leases.values()) lease.expiry = now + (lease.remainingTtl > 0 ? lease.remainingTtl : lease.ttl) * 1000 + extendMs;
    this.rebuildExpiries();
  }

  /** No longer leader: leases stop expiring here. */
  demote(): void {
    this.primary = false;
    this.renewedSinceCheckpoint.clear();
    for (const lease of this.leases.values()) lease.expiry = Infinity;
    this.expiries.rebuild([]);
  }

  /** Applies a checkpoint (etcd's LeaseCheckpoint): what a later promotion gives the lease. Unknown ids are ignored. */
  checkpoint(id: LeaseId, remainingTtlSeconds: number): void {
    const lease = this.leases.get(id);
    if (lease) lease.remainingTtl = remainingTtlSeconds;
  }

  /** On the primary, the leases renewed since their last checkpoint, whose checkpoint is to be cleared (etcd's Renew). */
  takeRenewedCheckpoints(): LeaseId[] {
    const renewed = [...this.renewedSinceCheckpoint];
    this.renewedSinceCheckpoint.clear();
    return renewed;
  }

  /**
   * On the primary, the checkpoints due (etcd's findDueScheduledCheckpoints): up to `limit` leases, with the
   * seconds left (rounded up), that have used some of their TTL and have more than `minSeconds` left.
   */
  dueCheckpoints(minSeconds: number, limit: number): { id: LeaseId; remainingTtl: number }[] {
    if (!this.primary) return [];
    const now = this.options.now();
    const due: { id: LeaseId; remainingTtl: number }[] = [];
    for (const lease of this.leases.values()) {
      if (due.length >= limit) break;
      const remainingTtl = Math.ceil((lease.expiry - now) / 1000);
      if (remainingTtl > minSeconds && remainingTtl < lease.ttl) due.push({ id: lease.id, remainingTtl });
    }
    return due;
  }

  /**
   * Up to `limit` leases past their expiry, soonest first (ties by id); they stay until their revocation is
   * applied, so asking again returns them again.
   */
  expired(limit: number): LeaseId[] {
    if (!this.primary) return [];
    return this.expiries.due(this.options.now(), limit, ({ id, expiry }) => this.leases.get(id)?.expiry === expiry);
  }

  private refresh(lease: LeaseState): void {
    lease.expiry = this.options.now() + lease.ttl * 1000;
    this.expiries.push(lease.id, lease.expiry);
    this.dropStaleExpiries();
  }

  /**
   * Renewals and revocations leave stale entries behind; once they outnumber the live ones the queue is
   * rebuilt from the leases, so it stays under twice their number at O(1) amortised cost per change.
   */
  private dropStaleExpiries(): void {
    if (this.primary && this.expiries.size > 2 * this.leases.size) this.rebuildExpiries();
  }

  private rebuildExpiries(): void {
    this.expiries.rebuild([...this.leases.values()].map(({ id, expiry }) => ({ id, expiry })));
  }
}

/** Keys are latin1 strings, so sorting by UTF-16 code unit is sorting by byte. */
function sortedKeys(lease: LeaseState): string[] {
  return [...lease.keys].sort();
}
