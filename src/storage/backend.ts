// The state machine's durable copy (LevelDB at <data-dir>/member/snap/db, where etcd keeps its bbolt
// file). Layers stage their changes while applying entries; commit() writes them together with the
// applied (consistent) index in one atomic batch, without fsync: the raft log is the durable record, and
// a restart replays it from the consistent index, so an entry is never half applied on disk. As etcd's
// backend does (--backend-batch-interval, --backend-batch-limit), commits are gathered for up to
// BATCH_INTERVAL_MS or BATCH_LIMIT_OPS into one batch: a LevelDB batch per apply was a third of the
// disk writes of every put. Anything that reads the database itself (flushed(), dump(), write()) sends
// the gathered batch first.

import { rename, rm } from 'node:fs/promises';
import { Level, type ChainedBatch } from 'level';
import { pathExists } from './data-dir.js';
import { BackendFailedError } from './errors.js';
import { faults } from './fault-injection.js';

/** One byte before every key names the layer that owns it. */
export enum Bucket {
  Meta = 0x6d, // 'm'
  Keyspace = 0x6b, // 'k'
  Lease = 0x6c, // 'l'
  Members = 0x63, // 'c'
  Auth = 0x61, // 'a'
}

const CONSISTENT_INDEX_KEY = metaKey('consistent_index');
/** etcd's defaults for --backend-batch-interval and --backend-batch-limit. */
const BATCH_INTERVAL_MS = 100;
const BATCH_LIMIT_OPS = 10_000;
/**
 * The most an op adds to LevelDB's files beyond its key and value, in its log record (a tag, two length
 * varints) or later in its table (sequence number and type, three varints, its share of restart points):
 * under 24 bytes. A batch adds its header, its record headers, and tables their block trailers and index
 * entries, under one byte in 64 of what they hold.
 */
const OP_OVERHEAD_BYTES = 24;
const BATCH_OVERHEAD_BYTES = 64;

/**
 * Commits gathered for the next batch, and the promise every one of them returns. Their ops go into a
 * LevelDB batch at once (it copies them): held in JavaScript for the interval, every put's key, value and
 * op object outlived two young-generation collections and was promoted, to die in the old generation.
 */
interface Gathered {
  readonly batch: ChainedBatch<Level<Uint8Array, Uint8Array>, Uint8Array, Uint8Array>;
  /** The ops' keys and values, for the batch's footprint. */
  bytes: number;
  index: number;
  readonly written: Promise<void>;
  settle(err?: Error): void;
  readonly timer: NodeJS.Timeout;
}

export function metaKey(name: string): Uint8Array {
  return bucketKey(Bucket.Meta, Buffer.from(name, 'utf8'));
}

export function bucketKey(bucket: Bucket, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = bucket;
  out.set(key, 1);
  return out;
}

export type BackendOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/**
 * What the state machine's layers read and stage through: StateBackend on disk, or MemoryBackend for a
 * state machine a unit test drives without LevelDB.
 */
export interface Backend {
  readonly consistentIndex: number;
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
  commit(consistentIndex: number): Promise<void>;
  write(ops: readonly BackendOp[]): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  scan(bucket: Bucket): AsyncGenerator<[Uint8Array, Uint8Array]>;
}

export class StateBackend implements Backend {
  private staged: BackendOp[] = [];
  private writing: Promise<void> = Promise.resolve();
  private committedIndex: number;
  /** The first failed write; every later write, flush and commit fails with it. */
  private failure: BackendFailedError | undefined;
  private written = 0;

  private constructor(
    private db: Level<Uint8Array, Uint8Array>,
    readonly path: string,
    consistentIndex: number,
  ) {
    this.committedIndex = consistentIndex;
  }

  static async open(path: string): Promise<StateBackend> {
    await finishInterruptedReplace(path);
    const db = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const raw = await db.get(CONSISTENT_INDEX_KEY);
    return new StateBackend(db, path, raw === undefined ? 0 : decodeUint(raw));
  }

  /** The index of the last raft entry whose effects reached the backend (as of the last commit call). */
  get consistentIndex(): number {
    return this.committedIndex;
  }

  /**
   * An upper bound on the bytes the batches sent so far add to the database's files (see BackendSize),
   * monotonic: LevelDB keeps one copy of each write, first in its log, then in a table.
   */
  get bytesWritten(): number {
    return this.written;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.staged.push({ type: 'put', key, value });
  }

  del(key: Uint8Array): void {
    this.staged.push({ type: 'del', key });
  }

  /**
   * Writes everything staged, with `consistentIndex`, atomically, in call order with every other write.
   * Commits made within BATCH_INTERVAL_MS of the first one not yet written go out together in one batch
   * (each commit's ops and index stay together, in order); the promise settles when that batch is written.
   */
  commit(consistentIndex: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (consistentIndex < this.committedIndex) {
      throw new RangeError(`consistent index going back: ${consistentIndex} < ${this.committedIndex}`);
    }
    this.committedIndex = consistentIndex;
    const ops = this.staged;
    this.staged = [];
    let gathered: Gathered;
    try {
      gathered = this.gathered ??= this.gather();
    } catch (err) {
      // The database is closed (a late apply during shutdown): as a failed write would be.
      this.failure ??= new BackendFailedError(err);
      return Promise.reject(this.failure);
    }
    for (const op of ops) {
      if (op.type === 'put') gathered.batch.put(op.key, op.value);
      else gathered.batch.del(op.key);
      gathered.bytes += opBytes(op);
    }
    gathered.index = consistentIndex;
    const written = gathered.written;
    if (gathered.batch.length >= BATCH_LIMIT_OPS) this.sendGathered();
    return written;
  }

  private gathered: Gathered | undefined;

  private gather(): Gathered {
    let settle!: (err?: Error) => void;
    const written = new Promise<void>((resolve, reject) => (settle = (err) => (err === undefined ? resolve() : reject(err))));
    // A commit nobody awaits must not go unhandled when it fails: the next write reports the failure.
    written.catch(() => {});
    const timer = setTimeout(() => this.sendGathered(), BATCH_INTERVAL_MS);
    return { batch: this.db.batch(), bytes: 0, index: this.committedIndex, written, settle, timer };
  }

  /** Sends the gathered commits as one batch, after every write issued before. */
  private sendGathered(): void {
    const gathered = this.gathered;
    if (!gathered) return;
    this.gathered = undefined;
    clearTimeout(gathered.timer);
    const { batch } = gathered;
    const index = encodeUint(gathered.index);
    batch.put(CONSISTENT_INDEX_KEY, index);
    this.written += batchFootprint(gathered.bytes + CONSISTENT_INDEX_KEY.length + index.length, batch.length);
    this.afterPrevious(() => {
      faults.check('backend-commit');
      return batch.write();
    }).then(
      () => gathered.settle(),
      (err: unknown) => {
        // Not written (an earlier write failed, or this one): its native copy goes now.
        void batch.close().catch(() => {});
        gathered.settle(err instanceof Error ? err : new BackendFailedError(err));
      },
    );
  }

  /**
   * Writes `ops` as their own batch, in order with commits (those gathered so far go first), leaving staged
   * changes and the consistent index alone: for work that is idempotent and not tied to an entry (deleting
   * compacted history).
   */
  write(ops: readonly BackendOp[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.sendGathered();
    this.countWritten(ops);
    return this.afterPrevious(() => this.db.batch([...ops]));
  }

  private countWritten(ops: readonly BackendOp[]): void {
    let bytes = 0;
    for (const op of ops) bytes += opBytes(op);
    this.written += batchFootprint(bytes, ops.length);
  }

  /**
   * Runs `write` once every earlier write is done, unless one of them failed. A failure is kept: the disk is
   * then behind memory, and writing anything later would leave a gap nobody would replay.
   */
  private afterPrevious(write: () => Promise<void>): Promise<void> {
    const done = this.writing.then(() => {
      if (this.failure) throw this.failure;
      return write();
    });
    this.writing = done.catch((err: unknown) => {
      this.failure ??= err instanceof BackendFailedError ? err : new BackendFailedError(err);
    });
    return done.catch((err: unknown) => {
      throw this.failure ?? err;
    });
  }

  /** Waits for every commit issued so far; rejects if any write failed. */
  async flushed(): Promise<void> {
    this.sendGathered();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(key);
  }

  /** Every key/value of a bucket in key order, from one consistent view of the database. */
  async *scan(bucket: Bucket): AsyncGenerator<[Uint8Array, Uint8Array]> {
    for await (const [key, value] of this.db.iterator({ gte: Uint8Array.of(bucket), lt: Uint8Array.of(bucket + 1) })) {
      yield [key.subarray(1), value];
    }
  }

  /** Every key/value of the whole database from one consistent view: the body of a state snapshot. */
  async *dump(): AsyncGenerator<[Uint8Array, Uint8Array]> {
    await this.flushed();
    yield* this.db.iterator();
  }

  /**
   * Replaces the whole database with `records` (a snapshot received from the leader): builds a fresh one
   * beside it and swaps it in by rename, so a crash leaves either the old state or the new one.
   */
  async replaceWith(records: AsyncIterable<[Uint8Array, Uint8Array]> | Iterable<[Uint8Array, Uint8Array]>): Promise<void> {
    await this.flushed();
    this.staged = [];
    faults.check('snapshot-install');
    const fresh = `${this.path}.incoming`;
    await rm(fresh, { recursive: true, force: true });
    const next = new Level<Uint8Array, Uint8Array>(fresh, { keyEncoding: 'view', valueEncoding: 'view' });
    await next.open();
    try {
      let batch = next.batch();
      let bytes = 0;
      const write = async (): Promise<void> => {
        this.written += batchFootprint(bytes, batch.length);
        bytes = 0;
        await batch.write();
      };
      for await (const [key, value] of records) {
        bytes += key.length + value.length;
        batch.put(key, value);
        if (batch.length >= 10_000) {
          await write();
          batch = next.batch();
        }
      }
      await write();
      await next.close();
    } catch (err) {
      // A broken or truncated stream: keep the current state, drop the partial copy.
      await next.close();
      await rm(fresh, { recursive: true, force: true });
      throw err;
    }
    await this.db.close();
    const old = `${this.path}.replaced`;
    await rm(old, { recursive: true, force: true });
    await rename(this.path, old);
    await rename(fresh, this.path);
    await rm(old, { recursive: true, force: true });
    this.db = new Level<Uint8Array, Uint8Array>(this.path, { keyEncoding: 'view', valueEncoding: 'view' });
    await this.db.open();
    const raw = await this.db.get(CONSISTENT_INDEX_KEY);
    this.committedIndex = raw === undefined ? 0 : decodeUint(raw);
  }

  /** Closes the database once pending writes settle (a failed one is not reported again here). */
  async close(): Promise<void> {
    this.sendGathered();
    await this.writing;
    await this.db.close();
  }
}

/**
 * A crash during replaceWith leaves one of: the new database built but not yet renamed into place (it is
 * complete, since it is renamed only after it closed), or a leftover from either side to remove.
 */
async function finishInterruptedReplace(path: string): Promise<void> {
  const incoming = `${path}.incoming`;
  if (!(await pathExists(path)) && (await pathExists(incoming))) await rename(incoming, path);
  await rm(incoming, { recursive: true, force: true });
  await rm(`${path}.replaced`, { recursive: true, force: true });
}

/** The key and value bytes an op hands LevelDB. */
function opBytes(op: BackendOp): number {
  return op.key.length + (op.type === 'put' ? op.value.length : 0);
}

/** The most a batch of `count` ops holding `bytes` of keys and values adds to the database's files. */
function batchFootprint(bytes: number, count: number): number {
  return bytes + count * OP_OVERHEAD_BYTES + Math.ceil(bytes / 64) + BATCH_OVERHEAD_BYTES;
}

export function encodeUint(value: number): Uint8Array {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(value));
  return out;
}

export function decodeUint(bytes: Uint8Array): number {
  return Number(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readBigUInt64BE());
}
