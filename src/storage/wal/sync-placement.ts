// Where the WAL's fdatasync runs: on the member's thread while few clients write and the disk keeps up, in
// libuv's pool for a write of many entries or after the disk stalls.
//
// In line, a sync costs no hand-offs: handed to the pool, each one cost a pool thread's wake-up and the
// member's after it, two chances to wait for a core on a machine the members share, and the slowest 1 % of
// one-client puts took 1.4× as long (bench/RESULTS.md, "The WAL's fdatasync on the member's thread"). But a
// sync in line holds everything else the member does (reading and answering clients, serializable reads,
// watch deliveries, lease keep-alives, new connections) for as long as the disk takes. A Ready of many
// entries comes from many clients, whose next requests are already on their way: in the pool, the member's
// thread reads and answers them while the disk works, as etcd's goroutines do while its raft loop syncs
// (bench/RESULTS.md, "Many clients' syncs in the pool"). And a disk that stalls (a throttled volume) held
// every read for a stall (bench/RESULTS.md, "A disk that stalls"), so a sync that took SLOW_SYNC_MS or more
// sends the syncs after it to the pool until POOL_AFTER_SLOW_MS go by without another.

import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Histogram } from '../../shared/prometheus-histogram.js';

const fdatasync = promisify(fs.fdatasync);

/**
 * A sync this slow is a stall of the disk's. A healthy disk's take under a millisecond here, but a busy
 * machine stretched some to 5–20 ms (the thread waiting for a core): those stay in line.
 */
export const SLOW_SYNC_MS = 50;
/** How long syncs stay in the pool after a slow one: a disk that stalled once stalls again. */
export const POOL_AFTER_SLOW_MS = 10_000;
/**
 * A write of this many raft entries or more is synced in the pool: that many proposals in one Ready means
 * many clients, whose next requests the member's thread reads, decodes and answers while the disk works.
 */
export const POOL_FROM_ENTRIES = 8;

/** Every WAL fdatasync in this process, in seconds: etcd's etcd_disk_wal_fsync_duration_seconds, its buckets 1 ms to 8.192 s. */
export const walFsyncDurations = new Histogram(Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i));

export interface SyncCounts {
  /** fdatasyncs of the WAL that took SLOW_SYNC_MS or more. */
  slowSyncs: number;
  /** fdatasyncs of the WAL handed to libuv's pool (the rest ran on the member's thread). */
  pooledSyncs: number;
}

export class SyncPlacement {
  private lastSlowAt = Number.NEGATIVE_INFINITY;
  readonly counts: SyncCounts = { slowSyncs: 0, pooledSyncs: 0 };

  /**
   * fdatasyncs `fd`, which holds `entries` new raft entries, on this thread or in the pool as their number
   * and the recent syncs say; returns how long it took, in ms.
   */
  async sync(fd: number, entries: number): Promise<number> {
    const started = performance.now();
    if (entries >= POOL_FROM_ENTRIES || started - this.lastSlowAt < POOL_AFTER_SLOW_MS) {
      this.counts.pooledSyncs++;
      await fdatasync(fd);
    } else {
      fs.fdatasyncSync(fd);
    }
    const ended = performance.now();
    walFsyncDurations.observe({}, (ended - started) / 1000);
    if (ended - started >= SLOW_SYNC_MS) {
      this.counts.slowSyncs++;
      this.lastSlowAt = ended;
    }
    return ended - started;
  }
}
