// The state backend's size on disk (etcd's dbSize, which etcd reads from bbolt in memory). Listing the
// directory and stating each LevelDB file every second cost a member 5–10 % of its busy time under load
// (profiles of 2026-12-03). Between two listings the size is bounded by the last one plus what the backend
// wrote since (StateBackend.bytesWritten), which is all the quota check needs: it lists the files again
// only once that bound passes the quota, so the alarm is still raised on a measured size.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What BackendSize needs of the backend: where its files are and how much it has written. */
export interface SizedBackend {
  readonly path: string;
  readonly bytesWritten: number;
}

export class BackendSize {
  private measured = 0;
  /** The backend's bytesWritten when the last listing began; undefined before the first. */
  private writtenAtMeasure: number | undefined;
  /** How many times the files were listed (for tests and profiles). */
  measurements = 0;

  constructor(private readonly backend: SizedBackend) {}

  /** The sizes of the backend's files, summed (what endpoint status and /metrics report). */
  async measure(): Promise<number> {
    // Read before listing: bytes written during the listing are then counted in the bound again (too much, never too little).
    const written = this.backend.bytesWritten;
    this.measurements++;
    let total = 0;
    for (const name of await readdir(this.backend.path)) {
      // LevelDB removes old log and table files as it compacts: one listed a moment ago may be gone.
      total += await stat(join(this.backend.path, name)).then(
        (file) => file.size,
        () => 0,
      );
    }
    this.measured = total;
    this.writtenAtMeasure = written;
    return total;
  }

  /**
   * No less than the size on disk now, except while a LevelDB compaction holds its output beside its
   * inputs (a passing copy that a listing could catch too): the last listing plus everything written since.
   */
  get bound(): number {
    if (this.writtenAtMeasure === undefined) return Number.POSITIVE_INFINITY;
    return this.measured + this.backend.bytesWritten - this.writtenAtMeasure;
  }

  /** Whether the backend's files hold more than `limit` bytes; lists them only when the bound passes it. */
  async exceeds(limit: number): Promise<boolean> {
    if (this.bound <= limit) return false;
    return (await this.measure()) > limit;
  }
}
