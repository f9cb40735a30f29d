// The simulated network: per-message loss, duplication and delay (which reorders), and partitions.
import { MessageType } from '../../src/raft/index.js';
import type { Message, NodeId } from '../../src/raft/index.js';
import type { SimRand } from './sim-rand.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  readonly drop: number;
  /** Probability that a message is delivered twice. */
  readonly duplicate: number;
  /** Largest extra delay in ticks; different delays reorder messages. */
  readonly maxDelay: number;
}

export const CALM: NetworkFaults = { drop: 0, duplicate: 0, maxDelay: 0 };

interface InFlight {
  readonly message: Message;
  readonly deliverAt: number;
  /** Sender incarnation, so a restarted leader is not told about snapshots its former self sent. */
  readonly senderIncarnation: number;
}

export interface Delivery {
  readonly message: Message;
  readonly senderIncarnation: number;
}

export class SimNetwork {
  private inFlight: InFlight[] = [];
  /** Links cut by a partition, as "from-to". */
  private readonly cut = new Set<string>();
  faults: NetworkFaults = CALM;

  constructor(private readonly rand: SimRand) {}

  /** Queues a message; returns false when it was lost on the way (the caller reports lost snapshots). */
  send(message: Message, now: number, senderIncarnation: number): boolean {
    if (this.cut.has(`${message.from}-${message.to}`) || this.rand.chance(this.faults.drop)) return false;
    const copies = this.rand.chance(this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.inFlight.push({ message, deliverAt: now + 1 + this.rand.intn(this.faults.maxDelay + 1), senderIncarnation });
    }
    return true;
  }

  /** Messages due at `now`, in a random order; a partition that formed meanwhile swallows them. */
  due(now: number): { delivered: Delivery[]; lost: Delivery[] } {
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const f of this.inFlight) (f.deliverAt <= now ? due : later).push(f);
    this.inFlight = later;
    // Reorder only while faults are on; a healed network behaves like the transport's ordered streams.
    if (this.faults.maxDelay > 0 || this.faults.duplicate > 0) {
      for (let i = due.length - 1; i > 0; i--) {
        const j = this.rand.intn(i + 1);
        [due[i], due[j]] = [due[j]!, due[i]!];
      }
    }
    const delivered: Delivery[] = [];
    const lost: Delivery[] = [];
    for (const f of due) {
      const d = { message: f.message, senderIncarnation: f.senderIncarnation };
      (this.cut.has(`${f.message.from}-${f.message.to}`) ? lost : delivered).push(d);
    }
    return { delivered, lost };
  }

  /** Splits the members into two sides that cannot talk to each other. */
  partition(sideA: readonly NodeId[], sideB: readonly NodeId[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.cut.add(`${a}-${b}`);
        this.cut.add(`${b}-${a}`);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  isPartitioned(): boolean {
    return this.cut.size > 0;
  }

  pending(): number {
    return this.inFlight.length;
  }
}

export function isSnapshot(m: Message): boolean {
  return m.type === MessageType.Snap;
}
