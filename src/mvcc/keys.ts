// Keys live in the index as latin1 strings: one char per byte, so JavaScript's string order is the
// bytewise order etcd ranges use, and strings are cheap map and tree keys.

import type { KeyRange } from './types.js';

export function keyString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function keyBytes(key: string): Uint8Array {
  return Buffer.from(key, 'latin1');
}

/** How a range selects keys, decided once: a single key, [start, end), or everything from start on. */
export type RangeBounds =
  | { readonly kind: 'single'; readonly key: string }
  | { readonly kind: 'span'; readonly start: string; readonly end: string }
  | { readonly kind: 'from'; readonly start: string };

export function rangeBounds(range: KeyRange): RangeBounds {
  const key = keyString(range.key);
  const end = range.end === undefined || range.end.length === 0 ? undefined : keyString(range.end);
  if (end === undefined) return { kind: 'single', key };
  if (end === '\0') return { kind: 'from', start: key };
  return { kind: 'span', start: key, end };
}

export function inRange(bounds: RangeBounds, key: string): boolean {
  switch (bounds.kind) {
    case 'single':
      return key === bounds.key;
    case 'span':
      return key >= bounds.start && key < bounds.end;
    case 'from':
      return key >= bounds.start;
  }
}

/** The end of the range holding every key with this prefix (etcd's GetPrefixRangeEnd); `\0` when none is greater. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      // A copy: on a Buffer, slice() would be a view and the increment would change the caller's prefix.
      const end = new Uint8Array(prefix.subarray(0, i + 1));
      end[i]! += 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}
