// Typed failures of durable storage. Callers switch on the class, never on message text.

/** Stored raft state fails a checksum or an invariant; it is never returned as if it were valid. */
export class CorruptLogError extends Error {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`raft log is corrupt: ${detail}`, options);
    this.name = 'CorruptLogError';
  }
}

/** A snapshot file or stream fails its checksum or framing. */
export class CorruptSnapshotError extends Error {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`snapshot ${source} is corrupt: ${detail}`);
    this.name = 'CorruptSnapshotError';
  }
}

/** No valid snapshot file is available. */
export class SnapshotNotFoundError extends Error {
  constructor(detail: string) {
    super(`no valid snapshot: ${detail}`);
    this.name = 'SnapshotNotFoundError';
  }
}

/** Another process (or another open store in this process) holds the data dir. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    options?: { cause?: unknown },
  ) {
    super(`data dir ${dataDir} is in use by another process`, options);
    this.name = 'DataDirInUseError';
  }
}

/** The data dir exists but does not have the expected layout (e.g. `member/wal` is a file). */
export class DataDirLayoutError extends Error {
  constructor(
    readonly dataDir: string,
    detail: string,
  ) {
    super(`data dir ${dataDir} has an invalid layout: ${detail}`);
    this.name = 'DataDirLayoutError';
  }
}

/**
 * The caller broke the log store contract (a gap in appended entries, a term going backwards, compaction
 * above the snapshot). A RangeError, like MemoryStorage's own "missing log entry" failure.
 */
export class LogStoreUsageError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'LogStoreUsageError';
  }
}

/** A disk write failed earlier; the in-memory view may be ahead of the disk, so the store refuses further use. */
export class LogStoreFailedError extends Error {
  constructor(cause: unknown) {
    super('raft log store failed on an earlier write and must be reopened', { cause });
    this.name = 'LogStoreFailedError';
  }
}

/**
 * A state backend batch failed: the backend on disk is behind what was applied in memory, so nothing may be
 * written after it (the gap would be permanent) and the member must stop and replay its raft log.
 */
export class BackendFailedError extends Error {
  constructor(cause: unknown) {
    super('state backend failed to write a batch and must be reopened', { cause });
    this.name = 'BackendFailedError';
  }
}
