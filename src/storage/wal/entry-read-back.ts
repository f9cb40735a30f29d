// Reads entries back out of the WAL's segments by where they were written, for the in-memory log once it
// has let go of their data (raft/packed-entries.ts). A window of the file is kept: a follower catching up
// asks for entries in order, so that costs one read per chunk, not one per entry.

import * as fs from 'node:fs';
import type { EntryPlace } from '../../raft/packed-entries.js';
import type { Entry } from '../../raft/types.js';
import { decodeEntry } from '../codec.js';
import { CorruptLogError } from '../errors.js';
import { FileWindow } from './file-window.js';
import { FRAME_HEADER_BYTES } from './frame.js';

export interface SegmentFiles {
  /** Path of segment number `file`, undefined once it is gone. */
  pathOf(file: number): string | undefined;
  /** Where the written data of segment `file` end (frames are never rewritten below it). */
  writtenEnd(file: number): number;
}

export class EntryReadBack {
  private fd = -1;
  private openFile = -1;
  private path = '';
  private window: FileWindow | undefined;

  constructor(private readonly files: SegmentFiles) {}

  /** The entry at `index`, whose record was written at `place`. Throws CorruptLogError if it is not there. */
  read(index: number, place: EntryPlace): Entry {
    let entry: Entry;
    try {
      const length = this.bytes(place.file, place.offset - FRAME_HEADER_BYTES, 4).readUInt32LE(0);
      entry = decodeEntry(this.bytes(place.file, place.offset, length));
    } catch (err) {
      if (err instanceof CorruptLogError) throw new CorruptLogError(`WAL segment ${this.path} at offset ${place.offset}: ${err.detail}`, { cause: err });
      throw err;
    }
    if (entry.index !== index) throw new CorruptLogError(`WAL segment ${this.path} at offset ${place.offset}: entry ${entry.index} where entry ${index} was written`);
    // A copy: the window is replaced by the next read that falls outside it.
    return { ...entry, data: entry.data.slice() };
  }

  /** Closes the file held open, if it is segment `file` (being deleted) or any when `file` is undefined. */
  forget(file?: number): void {
    if (this.fd < 0 || (file !== undefined && file !== this.openFile)) return;
    fs.closeSync(this.fd);
    this.fd = -1;
    this.openFile = -1;
    this.window = undefined;
  }

  private bytes(file: number, at: number, length: number): Buffer {
    if (file !== this.openFile) this.open(file);
    // Never past the written end: bytes beyond it are zeros that later writes replace. The last segment's
    // end moves on as it is written; a read beyond the end the window was made with makes it anew.
    if (this.window === undefined || at + length > this.window.size) this.window = new FileWindow(this.fd, this.files.writtenEnd(file));
    return this.window.bytes(at, length);
  }

  private open(file: number): void {
    this.forget();
    const path = this.files.pathOf(file);
    if (path === undefined) throw new CorruptLogError(`WAL segment ${file} is gone but holds a live entry`);
    this.fd = fs.openSync(path, 'r');
    this.openFile = file;
    this.path = path;
  }
}
