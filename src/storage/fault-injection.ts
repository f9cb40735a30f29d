// Test-only disk failures at the persistence points, to prove a member that cannot write stops rather than
// diverges. Read once from the environment at startup:
//
//   BARGE_FAULT_INJECT=<point>:after=<n>[,<point>:after=<n>...]
//
// makes every write at <point> after the first <n> fail, as a full or broken disk would. Points:
//   raft-log-append   a raft log batch carrying entries
//   hard-state        a raft log batch carrying a hard state
//   backend-commit    a state backend batch (applied entries and the consistent index)
//   snapshot-install  replacing the state backend with a snapshot received from the leader
// Unset (always, outside tests), every check is a no-op.

export type FaultPoint = 'raft-log-append' | 'hard-state' | 'backend-commit' | 'snapshot-install';

const POINTS: readonly FaultPoint[] = ['raft-log-append', 'hard-state', 'backend-commit', 'snapshot-install'];

export const FAULT_INJECT_ENV = 'BARGE_FAULT_INJECT';

/** The failure an injected fault raises, like an I/O error from the disk. */
export class InjectedFaultError extends Error {
  constructor(readonly point: FaultPoint) {
    super(`injected disk failure at ${point} (${FAULT_INJECT_ENV})`);
    this.name = 'InjectedFaultError';
  }
}

export class FaultInjector {
  private readonly hits = new Map<FaultPoint, number>();

  constructor(private readonly failAfter: ReadonlyMap<FaultPoint, number>) {}

  /** Parses the BARGE_FAULT_INJECT syntax; throws on anything it does not understand rather than ignore it. */
  static parse(spec: string | undefined): FaultInjector {
    const failAfter = new Map<FaultPoint, number>();
    for (const part of (spec ?? '').split(',').filter((p) => p.trim().length > 0)) {
      const match = /^\s*([a-z-]+):after=(\d+)\s*$/.exec(part);
      const point = match?.[1] as FaultPoint | undefined;
      if (!match || !point || !POINTS.includes(point)) {
        throw new Error(`${FAULT_INJECT_ENV}: cannot parse "${part}" (expected <${POINTS.join('|')}>:after=<n>)`);
      }
      failAfter.set(point, Number(match[2]));
    }
    return new FaultInjector(failAfter);
  }

  /** Counts a write at `point` and throws InjectedFaultError once the point's allowance is used up. */
  check(point: FaultPoint): void {
    const allowed = this.failAfter.get(point);
    if (allowed === undefined) return;
    const hits = (this.hits.get(point) ?? 0) + 1;
    this.hits.set(point, hits);
    if (hits > allowed) throw new InjectedFaultError(point);
  }
}

/** The process's injector, from the environment as it was when storage was first used. */
export const faults: FaultInjector = FaultInjector.parse(process.env[FAULT_INJECT_ENV]);
