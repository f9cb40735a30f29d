// Puts client requests and membership changes into the raft log (etcd's processInternalRaftRequest and
// configure): each gets a request id and a wait in the registry, answered when its entry applies here,
// failed with "no leader" when the node drops it, or with "request timed out" when nothing answers.

import { Errors, toError } from '../etcd-errors.js';
import { ProposalDroppedError, type ConfChange, type RawNode } from '../raft/index.js';
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

export class Proposer {
  private readonly requestIds: RequestIdGenerator;
  private failed = 0;

  constructor(private readonly deps: ProposerDeps) {
    this.requestIds = new RequestIdGenerator(deps.memberId);
  }

  /** Proposals that timed out or were dropped (for /metrics). */
  get failedProposals(): number {
    return this.failed;
  }

  /** Proposes a request and resolves once it applied here. `body` is the InternalRequest without its id. */
  propose(body: Proposal, timeoutMs = requestTimeoutMs(this.deps.config)): Promise<ApplyOutcome> {
    const id = this.requestIds.next();
    const data = encodeInternalRequest(id, body);
    if (data.length > this.deps.config.maxRequestBytes) return Promise.reject(Errors.requestTooLarge());
    const outcome = this.deps.waits.proposals.wait(id, timeoutMs, () => {
      this.failed++;
      return Errors.timeout();
    });
    const queued = this.deps.enqueue((node) => {
      try {
        node.propose(data);
      } catch (err) {
        this.failed++;
        this.deps.waits.proposals.fail(id, droppedError(err));
      }
    });
    if (!queued) this.deps.waits.proposals.fail(id, Errors.stopped());
    return outcome;
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
