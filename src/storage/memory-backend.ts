// A Backend held in memory, for a state machine driven without LevelDB (the applier's unit test): the
// same staging and commit rules as StateBackend (staged changes become visible to get and scan when
// committed with an entry's index), without a disk.

import { Bucket, type Backend, type BackendOp } from './backend.js';

export class MemoryBackend implements Backend {
  private readonly records = new Map<string, { readonly key: Uint8Array; readonly value: Uint8Array }>();
  private staged: BackendOp[] = [];
  private committedIndex = 0;

  get consistentIndex(): number {
    return this.committedIndex;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.staged.push({ type: 'put', key, value });
  }

  del(key: Uint8Array): void {
    this.staged.push({ type: 'del', key });
  }

  commit(consistentIndex: number): Promise<void> {
    if (consistentIndex < this.committedIndex) throw new RangeError(`consistent index going back: ${consistentIndex} < ${this.committedIndex}`);
    this.apply(this.staged);
    this.staged = [];
    this.committedIndex = consistentIndex;
    return Promise.resolve();
  }

  write(ops: readonly BackendOp[]): Promise<void> {
    this.apply(ops);
    return Promise.resolve();
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.records.get(Buffer.from(key).toString('hex'))?.value);
  }

  async *scan(bucket: Bucket): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const inBucket = [...this.records.values()].filter((r) => r.key[0] === bucket).sort((a, b) => Buffer.compare(a.key, b.key));
    for (const record of inBucket) yield [record.key.subarray(1), record.value];
    await Promise.resolve();
  }

  private apply(ops: readonly BackendOp[]): void {
    for (const op of ops) {
      const id = Buffer.from(op.key).toString('hex');
      if (op.type === 'put') this.records.set(id, { key: op.key, value: op.value });
      else this.records.delete(id);
    }
  }
}
