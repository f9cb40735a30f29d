import type { Message, NodeId } from './types.js';

interface PendingRead {
  /** The commit index when the read arrived; serving at or after it is linearizable once leadership is confirmed. */
  readonly index: number;
  readonly request: Message;
  readonly acks: Set<NodeId>;
}

/** A Map key for request contexts, built by hand so the core needs no platform byte helpers. */
function key(ctx: Uint8Array): string {
  let s = '';
  for (const b of ctx) s += String.fromCharCode(b);
  return s;
}

/**
 * ReadIndex bookkeeping on the leader (the "safe" option: every read waits for a heartbeat
 * round acknowledged by a quorum, so a deposed leader can never answer).
 */
export class ReadOnly {
  private readonly pending = new Map<string, PendingRead>();
  private readonly queue: string[] = [];

  addRequest(index: number, request: Message): void {
    const k = key(request.entries[0]!.data);
    if (this.pending.has(k)) return;
    this.pending.set(k, { index, request, acks: new Set() });
    this.queue.push(k);
  }

  /** Records a heartbeat acknowledgement carrying `ctx`; returns who has acknowledged that read so far. */
  recvAck(from: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const p = this.pending.get(key(ctx));
    if (!p) return undefined;
    p.acks.add(from);
    return p.acks;
  }

  /** Releases the read with `ctx` and every read queued before it (a later confirmation covers earlier ones). */
  advance(ctx: Uint8Array): { index: number; request: Message }[] {
    const k = key(ctx);
    const at = this.queue.indexOf(k);
    if (at < 0) return [];
    const released = this.queue.splice(0, at + 1);
    return released.map((rk) => {
      const p = this.pending.get(rk)!;
      this.pending.delete(rk);
      return { index: p.index, request: p.request };
    });
  }

  lastPendingContext(): Uint8Array | undefined {
    const last = this.queue[this.queue.length - 1];
    return last === undefined ? undefined : this.pending.get(last)!.request.entries[0]!.data;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  reset(): void {
    this.pending.clear();
    this.queue.length = 0;
  }
}

