// Events expire: kube-apiserver writes them with an etcd lease of --event-ttl (1 h), one lease shared by
// the events of a minute (its lease manager), so the store forgets them on its own.

import type { StoreClient } from '../../client/etcd/store-client.js';

const EVENT_TTL_SECONDS = 3600;
/** How long one lease is handed to new events before a fresh one is granted. */
const REUSE_MS = 60_000;

export class EventLeases {
  private current: { id: string; until: number } | undefined;
  private granting: Promise<string> | undefined;

  constructor(
    private readonly client: StoreClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** A lease id for an event written now. */
  async lease(): Promise<string> {
    if (this.current && this.now() < this.current.until) return this.current.id;
    this.granting ??= this.client
      .leaseGrant(EVENT_TTL_SECONDS + REUSE_MS / 1000)
      .then((id) => {
        this.current = { id, until: this.now() + REUSE_MS };
        return id;
      })
      .finally(() => (this.granting = undefined));
    return this.granting;
  }
}
