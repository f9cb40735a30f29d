// etcd's auto-compaction, run by the leader: `periodic` keeps a time window of history (the retention is
// hours as a bare number, or a duration like "30m"), `revision` keeps the last N revisions. The decision
// is pure over the samples it is given, so it is tested without waiting.

export type AutoCompactionMode = 'periodic' | 'revision';

/** "1" → 1 h; "30m", "5s", "1h30m" → that duration; undefined when it is neither. */
export function parseRetentionMs(retention: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(retention)) return Number(retention) * 3_600_000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let rest = retention;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

export class AutoCompactor {
  private readonly samples: { at: number; revision: number }[] = [];

  constructor(
    readonly mode: AutoCompactionMode,
    /** Milliseconds (periodic) or revisions (revision). */
    readonly retention: number,
  ) {}

  /** How often the leader should call decide(). */
  get intervalMs(): number {
    // etcd: periodic compacts every retention (at most hourly), sampling ten times per window; revision every 5 min.
    return this.mode === 'periodic' ? Math.max(100, Math.min(this.retention, 3_600_000) / 10) : 5 * 60_000;
  }

  /** Records the current revision and returns the revision to compact to, if any is due. */
  decide(now: number, currentRevision: number, compactRevision: number): number | undefined {
    let target: number | undefined;
    if (this.mode === 'revision') {
      target = currentRevision - this.retention;
    } else {
      this.samples.push({ at: now, revision: currentRevision });
      while (this.samples.length > 0 && this.samples[0]!.at <= now - this.retention) target = this.samples.shift()!.revision;
    }
    return target !== undefined && target > compactRevision ? target : undefined;
  }
}
