// Values of older revisions, moved out of memory into files: segments of SEGMENT_BYTES next to the state
// backend's database, each unlinked as soon as it is opened, so that they are scratch space that goes with
// the process (the state backend keeps every value durably, and a restart spills again from there). Read
// back synchronously, with pread, mostly from the page cache, when a historical read or a watcher catching
// up from the past asks: the keyspace answers reads without waiting on anything.

import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { PackedSpace, containerOf, offsetOf } from './packed-space.js';

const SEGMENT_BYTES = 64 * 1024 * 1024;

export class ValueSpill extends PackedSpace {
  /** File descriptors by segment number. */
  private readonly fds: (number | undefined)[] = [];
  private made = 0;

  /** @param pathPrefix where segment files are made (each gets a suffix of its own, and is unlinked at once) */
  constructor(private readonly pathPrefix: string) {
    // Disk is cheaper than memory: a segment moves once it is half dead, and only when as much is dead as live.
    super(SEGMENT_BYTES, SEGMENT_BYTES, SEGMENT_BYTES, 1, 1 / 2);
  }

  /** Writes values (none empty) out and returns their addresses, in order; those written one after another in a segment go in one write. */
  write(values: readonly Uint8Array[]): number[] {
    const addresses = values.map((value) => this.reserve(value.length));
    try {
      let start = 0;
      for (let i = 1; i <= values.length; i++) {
        if (i < values.length && addresses[i] === addresses[i - 1]! + values[i - 1]!.length) continue;
        const run = values.slice(start, i);
        writeFully(this.fds[containerOf(addresses[start]!)]!, run.length === 1 ? run[0]! : Buffer.concat(run), offsetOf(addresses[start]!));
        start = i;
      }
    } catch (err) {
      values.forEach((value, i) => this.release(addresses[i]!, value.length));
      throw err;
    }
    return addresses;
  }

  read(address: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    const fd = this.fds[containerOf(address)]!;
    const offset = offsetOf(address);
    for (let done = 0; done < length; ) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`spilled value cut short at ${offset + done} (segment ${containerOf(address)})`);
      done += n;
    }
    return out;
  }

  /** Closes every segment (their space goes back to the file system). */
  close(): void {
    for (const fd of this.fds) if (fd !== undefined) closeSync(fd);
    this.fds.length = 0;
  }

  protected create(number: number): void {
    const path = `${this.pathPrefix}.${process.pid}.${this.made++}`;
    const fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    this.fds[number] = fd;
  }

  protected destroy(number: number): void {
    closeSync(this.fds[number]!);
    this.fds[number] = undefined;
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
