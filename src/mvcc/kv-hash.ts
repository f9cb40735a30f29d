// etcd's HashKV over the keyspace: a CRC-32 of every record a read at or after the compaction revision can
// still see, up to a revision, each as its revision and its stored encoding, in key order. Records that
// compaction would drop are skipped, so members agree whether or not theirs has been reclaimed yet.

import { crc32 } from '../storage/crc32.js';
import { recordsOf, visibleAt, type KeyIndex } from './key-index.js';
import { encodeRecord } from './record-codec.js';
import type { RecordTable } from './record-table.js';

export function hashKeyspace(keys: Iterable<KeyIndex>, table: RecordTable, compacted: number, at: number): number {
  let hash = 0;
  const header = Buffer.alloc(16);
  for (const keyIndex of keys) {
    const visibleAtCompaction = visibleAt(table, keyIndex, compacted);
    for (const id of recordsOf(keyIndex)) {
      const main = table.main(id);
      if (main > at) break;
      if (main < compacted && id !== visibleAtCompaction) continue;
      if (main === compacted && table.isTombstone(id)) continue;
      header.writeBigUInt64BE(BigInt(main), 0);
      header.writeBigUInt64BE(BigInt(table.sub(id)), 8);
      hash = crc32(header, hash);
      hash = crc32(encodeRecord(table.record(id)), hash);
    }
  }
  return hash;
}
