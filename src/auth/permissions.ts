// Which keys a set of role permissions covers. A permission is a key, a key range [key, range_end) or
// everything from a key on (range_end "\0"); a request is allowed when the union of the user's
// permissions of the needed kind covers every key it names. As in etcd, an empty bound compares above
// every key (it stands for "no end").

export enum PermissionType {
  Read = 0,
  Write = 1,
  ReadWrite = 2,
}

export interface Permission {
  readonly permType: PermissionType;
  readonly key: Uint8Array;
  /** Empty: the single key; [0]: every key from `key` on. */
  readonly rangeEnd: Uint8Array;
}

/** A half-open interval of keys; an empty end is unbounded. */
interface Interval {
  readonly begin: Uint8Array;
  readonly end: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Byte order, except that an empty bound is above everything (it means "unbounded"). */
function compareBound(a: Uint8Array, b: Uint8Array): number {
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  if (b.length === 0) return -1;
  return Buffer.compare(a, b);
}

function isFromKey(rangeEnd: Uint8Array): boolean {
  return rangeEnd.length === 1 && rangeEnd[0] === 0;
}

/** The interval holding exactly `key`: [key, key + "\0"). */
function pointInterval(key: Uint8Array): Interval {
  const end = new Uint8Array(key.length + 1);
  end.set(key);
  return { begin: key, end };
}

function permissionInterval(perm: Permission): Interval {
  if (perm.rangeEnd.length === 0) return pointInterval(perm.key);
  return { begin: perm.key, end: isFromKey(perm.rangeEnd) ? EMPTY : perm.rangeEnd };
}

function overlaps(a: Interval, b: Interval): boolean {
  return compareBound(a.begin, b.end) < 0 && compareBound(b.begin, a.end) < 0;
}

/** The read and write intervals of a user, merged from all of its roles' permissions. */
export class MergedPermissions {
  private readonly read: Interval[] = [];
  private readonly write: Interval[] = [];

  constructor(permissions: Iterable<Permission>) {
    for (const perm of permissions) {
      const interval = permissionInterval(perm);
      if (perm.permType === PermissionType.Read || perm.permType === PermissionType.ReadWrite) this.read.push(interval);
      if (perm.permType === PermissionType.Write || perm.permType === PermissionType.ReadWrite) this.write.push(interval);
    }
    const byBegin = (a: Interval, b: Interval): number => compareBound(a.begin, b.begin);
    this.read.sort(byBegin);
    this.write.sort(byBegin);
  }

  /**
   * Whether the permissions of `type` (Read or Write) cover the request's keys: a single key when
   * `rangeEnd` is empty, else [key, rangeEnd) (rangeEnd "\0": every key from `key` on).
   */
  allows(type: PermissionType.Read | PermissionType.Write, key: Uint8Array, rangeEnd: Uint8Array): boolean {
    const intervals = type === PermissionType.Read ? this.read : this.write;
    if (rangeEnd.length === 0) {
      const point = pointInterval(key);
      return intervals.some((i) => overlaps(i, point));
    }
    const wanted: Interval = { begin: key, end: isFromKey(rangeEnd) ? EMPTY : rangeEnd };
    return covers(intervals, wanted);
  }
}

/** Whether the intervals overlapping `wanted` (sorted by begin) leave no gap from its begin to its end. */
function covers(sorted: readonly Interval[], wanted: Interval): boolean {
  let first: Interval | undefined;
  let reach: Uint8Array = EMPTY;
  for (const interval of sorted) {
    if (!overlaps(interval, wanted)) continue;
    if (!first) {
      first = interval;
      reach = interval.end;
      continue;
    }
    if (compareBound(reach, interval.begin) < 0) return false;
    if (compareBound(interval.end, reach) > 0) reach = interval.end;
  }
  return first !== undefined && compareBound(first.begin, wanted.begin) <= 0 && compareBound(reach, wanted.end) >= 0;
}
