// etcd's publish and ReadyNotify: once the member first knows a leader it proposes its name and client URLs
// (so `member list` shows it started), again every 500 ms until that applies here; from then on it is
// ready, and only then does it serve its clients, so that none is told "no leader" by a member that has
// not known one since it started.

import type { Proposal } from './internal-request.js';

export interface PublicationDeps {
  readonly attributes: NonNullable<Proposal['publish']>;
  propose(body: Proposal): Promise<unknown>;
  running(): boolean;
}

export class MemberPublication {
  private started = false;
  /** Waiting for the member to be ready; undefined once it is. */
  private readyListeners: (() => void)[] | undefined = [];

  constructor(private readonly deps: PublicationDeps) {}

  /** The member knows a leader: publishes it, the first time. */
  onLeader(): void {
    if (this.started) return;
    this.started = true;
    const attempt = (): void => {
      this.deps.propose({ publish: this.deps.attributes }).then(
        () => this.markReady(),
        () => {
          if (this.deps.running()) setTimeout(attempt, 500).unref();
        },
      );
    };
    queueMicrotask(attempt);
  }

  /** Calls `listener` once the member is ready (at once if it is). */
  onceReady(listener: () => void): void {
    if (this.readyListeners) this.readyListeners.push(listener);
    else listener();
  }

  private markReady(): void {
    const listeners = this.readyListeners ?? [];
    this.readyListeners = undefined;
    for (const listener of listeners) listener();
  }
}
