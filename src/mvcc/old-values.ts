// Which values leave memory for the spill files: a record's value once a newer record of its key has been
// in place for KEEP_RECENT_REVISIONS revisions (until then a watcher's prev_kv, and a watcher catching up a
// little, read it from memory), gathered until SPILL_BATCH_BYTES are due and written in one go.

import type { RecordTable } from './record-table.js';
import type { ValueSpill } from './value-spill.js';

const KEEP_RECENT_REVISIONS = 1000;
/**
 * Small enough that a batch costs the apply it rides on a few milliseconds: every member spills at the same
 * revision, so a batch of 4 MiB (16,000 values of 256 bytes, about 60 ms) stalled all of them at once.
 */
const SPILL_BATCH_BYTES = 256 * 1024;

export class OldValues {
  /** Superseded records whose value is still in memory: id, then the revision that superseded it, in that order. */
  private queue: number[] = [];
  private head = 0;
  /** queue[head, dueEnd) are due; dueBytes is their values' size. */
  private dueEnd = 0;
  private dueBytes = 0;
  /** Set when a write to the spill files failed: values stay in memory from then on. */
  private failed = false;

  constructor(
    private readonly table: RecordTable,
    private readonly spill: ValueSpill,
  ) {}

  /** Record `id` was superseded at `revision` by a newer record of its key. */
  superseded(id: number, revision: number): void {
    if (!this.failed && this.table.valueLength(id) > 0) this.queue.push(id, revision);
  }

  /** Spills what is due at `current`, once enough is; says whether it did. */
  spillDue(current: number): boolean {
    if (this.failed) return false;
    const queue = this.queue;
    while (this.dueEnd < queue.length && queue[this.dueEnd + 1]! <= current - KEEP_RECENT_REVISIONS) {
      this.dueBytes += this.table.valueLength(queue[this.dueEnd]!);
      this.dueEnd += 2;
    }
    if (this.dueBytes < SPILL_BATCH_BYTES) return false;
    const ids: number[] = [];
    for (let i = this.head; i < this.dueEnd; i += 2) ids.push(queue[i]!);
    try {
      const addresses = this.spill.write(ids.map((id) => this.table.value(id)));
      ids.forEach((id, i) => this.table.spilled(id, addresses[i]!));
    } catch {
      // Out of disk space, say: memory still holds every value, so nothing is lost but the saving.
      this.failed = true;
      this.queue = [];
      this.head = this.dueEnd = this.dueBytes = 0;
      return false;
    }
    this.head = this.dueEnd;
    this.dueBytes = 0;
    if (this.head * 2 >= queue.length) {
      this.queue = queue.slice(this.head);
      this.dueEnd -= this.head;
      this.head = 0;
    }
    return true;
  }

  /** Forgets records compaction dropped (before their ids are reused). */
  forgetDropped(): void {
    const kept: number[] = [];
    for (let i = this.head; i < this.queue.length; i += 2) {
      if (!this.table.isDropped(this.queue[i]!)) kept.push(this.queue[i]!, this.queue[i + 1]!);
    }
    this.queue = kept;
    this.head = 0;
    this.dueEnd = 0;
    this.dueBytes = 0;
  }
}
