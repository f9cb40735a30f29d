// Puts client requests and membership changes into the raft log (etcd's processInternalRaftRequest and
// configure): each gets a request id and a wait in the registry, answered when its entry applies here,
// or failed with "request timed out" when nothing answers. A request made while this member knows no
// leader (an election under way) is held until it knows one, as etcd's node holds proposals on a closed
// channel until then; it is dropped unproposed once its caller stops waiting (its deadline passed, or the
// client cancelled the call or went away), as etcd's proposal context ends with the client's. A
// membership change the node drops fails at once with "no leader".

import { Errors, toError } from '../etcd-errors.js';
import { DropReason, ProposalDroppedError, type ConfChange, type RawNode } from '../raft/index.js';
import { encodeInternalRequest, type Proposal } from './internal-request.js';
import { RequestIdGenerator } from './request-ids.js';
import { requestTimeoutMs, type ServerConfig } from './server-config.js';
import { confChangeKey, type ApplyOutcome, type WaitRegistry } from './wait-registry.js';

export interface ProposerDeps {
  readonly config: ServerConfig;
  readonly memberId: bigint;
  readonly waits: WaitRegistry;
  /** Runs `work` against the raft node in the Ready loop; false once the member stopped. */
  enqueue(work: (node: RawNode) => void): boolean;
}

/** Who waits for a proposal: a client's call, as far as holding its request for a leader needs to know. */
export interface ProposalCaller {
  /** When the caller stops waiting, as a performance.now() time; absent: the server's request timeout. */
  readonly deadline?: number;
  /** True once the call is over (answered, failed or cancelled by the client): nobody waits any more. */
  readonly ended?: boolean;
}

/** A request held for a leader: its id, its encoded entry, and who waits for it. */
interface HeldProposal {
  readonly id: bigint;
  readonly data: Uint8Array;
  readonly caller: ProposalCaller;
}

/** A proposal made by the member itself: waited for until the request timeout. */
const MEMBER_ITSELF: ProposalCaller = {};

export class Proposer {
  private readonly requestIds: RequestIdGenerator;
  private failed = 0;
  private held: HeldProposal[] = [];

  constructor(private readonly deps: ProposerDeps) {
    this.requestIds = new RequestIdGenerator(deps.memberId);
  }

  /** Proposals that timed out or were dropped (for /metrics). */
  get failedProposals(): number {
    return this.failed;
  }

  /**
   * Proposes a request and resolves once it applied here. `body` is the InternalRequest without its id; a
   * request held for a leader is not proposed once its `caller` stopped waiting.
   */
  propose(body: Proposal, caller: ProposalCaller = MEMBER_ITSELF): Promise<ApplyOutcome> {
    const id = this.requestIds.next();
    const data = encodeInternalRequest(id, body);
    if (data.length > this.deps.config.maxRequestBytes) return Promise.reject(Errors.requestTooLarge());
    const outcome = this.deps.waits.proposals.wait(id, requestTimeoutMs(this.deps.config), () => {
      this.failed++;
      return Errors.timeout();
    });
    const queued = this.deps.enqueue((node) => this.proposeOrHold(node, { id, data, caller }));
    if (!queued) this.deps.waits.proposals.fail(id, Errors.stopped());
    return outcome;
  }

  /** The member knows a leader again: the requests held meanwhile go to it, those still awaited. */
  onLeader(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    this.deps.enqueue((node) => {
      for (const proposal of held) if (this.awaited(proposal)) this.proposeOrHold(node, proposal);
    });
  }

  private proposeOrHold(node: RawNode, proposal: HeldProposal): void {
    try {
      node.propose(proposal.data);
    } catch (err) {
      if (err instanceof ProposalDroppedError && err.reason === DropReason.NoLeader) return this.hold(proposal);
      this.failed++;
      this.deps.waits.proposals.fail(proposal.id, droppedError(err));
    }
  }

  private hold(proposal: HeldProposal): void {
    // Those whose callers gave up leave from the front (most share the default timeout), so that a long
    // election holds no more than the requests still awaited.
    while (this.held.length > 0 && !this.awaited(this.held[0]!)) this.held.shift();
    this.held.push(proposal);
  }

  private awaited({ caller, id }: HeldProposal): boolean {
    const callerWaits = caller.ended !== true && (caller.deadline === undefined || performance.now() < caller.deadline);
    return callerWaits && this.deps.waits.proposals.isWaiting(id);
  }

  /**
   * Proposes a membership change and resolves once it applied here. A follower forwards it to the leader,
   * which may drop it (a change already pending): as etcd, the caller then gets a timeout, never a hang.
   */
  proposeConfChange(cc: ConfChange, timeoutMs = requestTimeoutMs(this.deps.config)): Promise<void> {
    const key = confChangeKey(cc.nodeId, cc.type);
    const applied = this.deps.waits.confChanges.wait(key, timeoutMs, () => Errors.timeout());
    const queued = this.deps.enqueue((node) => {
      try {
        node.proposeConfChange(cc);
      } catch (err) {
        this.deps.waits.confChanges.fail(key, droppedError(err));
      }
    });
    if (!queued) this.deps.waits.confChanges.fail(key, Errors.stopped());
    return applied;
  }
}

function droppedError(err: unknown): Error {
  if (err instanceof ProposalDroppedError) return Errors.noLeader();
  return toError(err);
}
