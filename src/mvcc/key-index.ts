// The revisions of one key, grouped into generations: a generation runs from a creation to the delete
// (tombstone) that ends it. Reading a key at a revision finds the generation alive then and the last
// revision in it at or below that point; compaction drops what no reader at or above the compact
// revision can see. The shape follows etcd's keyIndex.

/** A stored change: a put, or a delete (tombstone), at revision {main, sub}. */
export interface RevisionRecord {
  readonly main: number;
  readonly sub: number;
  readonly key: string;
  readonly tombstone: boolean;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly version: number;
  readonly lease: bigint;
}

interface Generation {
  /** Records of this generation in revision order; the last is a tombstone unless it is the current generation. */
  readonly records: RevisionRecord[];
}

export class KeyIndex {
  /** Never empty once a record was added; the last generation is the current one (possibly empty after a delete). */
  private generations: Generation[] = [];

  constructor(readonly key: string) {}

  /**
   * Adds a put or tombstone; a tombstone closes the generation. A tombstone may stand alone: compaction
   * keeps one at exactly the compact revision, so a watcher starting there still sees the delete.
   */
  add(record: RevisionRecord): void {
    if (this.generations.length === 0) this.generations.push({ records: [] });
    const current = this.generations[this.generations.length - 1]!;
    current.records.push(record);
    if (record.tombstone) this.generations.push({ records: [] });
  }

  /** The newest record, put or tombstone. */
  latest(): RevisionRecord | undefined {
    for (let g = this.generations.length - 1; g >= 0; g--) {
      const records = this.generations[g]!.records;
      if (records.length > 0) return records[records.length - 1];
    }
    return undefined;
  }

  /** The put visible at `revision`, or undefined when the key did not exist then. */
  get(revision: number): RevisionRecord | undefined {
    for (let g = this.generations.length - 1; g >= 0; g--) {
      const records = this.generations[g]!.records;
      if (records.length === 0) continue;
      const last = records[records.length - 1]!;
      // A closed generation whose tombstone is at or below `revision` was already deleted then.
      if (last.tombstone && last.main <= revision) return undefined;
      if (records[0]!.main > revision) continue;
      for (let i = records.length - 1; i >= 0; i--) if (records[i]!.main <= revision) return records[i];
    }
    return undefined;
  }

  /** Every record, oldest first. */
  *records(): Generator<RevisionRecord> {
    for (const generation of this.generations) yield* generation.records;
  }

  /** Whether nothing is left (after compaction removed everything). */
  get isEmpty(): boolean {
    return this.generations.every((g) => g.records.length === 0);
  }

  /**
   * Drops records no read or watcher at or after `revision` needs: in each generation, everything before
   * the last record at or below `revision`; a generation whose tombstone is below `revision` goes whole.
   * Returns the dropped records (to delete from disk).
   */
  compact(revision: number): RevisionRecord[] {
    const dropped: RevisionRecord[] = [];
    const kept: Generation[] = [];
    const lastGeneration = this.generations.length - 1;
    this.generations.forEach((generation, g) => {
      const records = generation.records;
      const last = records[records.length - 1];
      if (last?.tombstone && last.main < revision) {
        dropped.push(...records);
        return;
      }
      let firstKept = 0;
      for (let i = records.length - 1; i >= 0; i--) {
        if (records[i]!.main <= revision) {
          firstKept = i;
          break;
        }
      }
      dropped.push(...records.slice(0, firstKept));
      if (firstKept < records.length || g === lastGeneration) kept.push({ records: records.slice(firstKept) });
    });
    this.generations = kept;
    return dropped;
  }
}
