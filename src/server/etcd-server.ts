// One Barge member (etcd's EtcdServer): wires the raft node driver, raft's storage, the peer transport,
// the applier, the wait registry and the leader's periodic jobs together, and serves the client API
// through propose() (writes, resolved when their entry applies here), linearizableRead() (ReadIndex)
// and the state it exposes. Each part lives in its own file; this one only connects them.

import type { AuthInfo, AuthStore, JwtTokens } from '../auth/index.js';
import { Errors, errorText, toError } from '../etcd-errors.js';
import { checkDeleteRangeRequest, checkPutRequest, checkTxnRequest } from '../mvcc/index.js';
import { SnapshotStatus, StateType, type ConfChange, type Entry, type Message, type NodeId, type RawNode, type Snapshot } from '../raft/index.js';
import { Applier } from './apply/applier.js';
import { applyCommittedEntries, type CommittedEntriesDeps } from './apply/committed-entries.js';
import { ClientAuth } from './client-auth.js';
import { membersJson } from './cluster-join.js';
import type Long from 'long';
import { uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { kvRequestFromPb, type KvWrite, type Proposal } from './internal-request.js';
import { LeaderJobs } from './leader-jobs.js';
import { BackendSize } from '../storage/backend-size.js';
import type { RaftWalStats } from '../storage/wal/raft-wal.js';
import { openMember } from './member-open.js';
import { MemberSnapshots } from './member-snapshots.js';
import type { MemberRegistry } from './members.js';
import { PeerDirectory } from './peer-directory.js';
import { REAL_CLOCK, RaftNodeDriver } from './raft-node-driver.js';
import { RaftStorage } from './raft-storage.js';
import { ReadIndexBatcher } from './read-index.js';
import { KvFacade } from './kv-facade.js';
import { Proposer, type ProposalCaller } from './proposer.js';
import { RaftRoleLog } from './raft-role-log.js';
import { MemberPublication } from './member-publication.js';
import { requestTimeoutMs, type ServerConfig } from './server-config.js';
import type { StateMachine } from './state-machine.js';
import { PeerTransport } from './transport.js';
import { WaitRegistry, type ApplyOutcome } from './wait-registry.js';
import { peerLeaseHandler } from './peer-lease-handler.js';
import { peerHashKvHandler } from './peer-hashkv.js';
import { moveLeader } from './leader-transfer.js';
import { checkReconfiguration, peerReachable } from './reconfig-check.js';

export type { ServerConfig, LogLevel } from './server-config.js';

export class EtcdServer {
  private running = true;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly driver: RaftNodeDriver;
  private readonly waits: WaitRegistry;
  private readonly applier: Applier;
  private readonly committedEntries: CommittedEntriesDeps;
  private readonly reads: ReadIndexBatcher;
  private readonly leaderJobs: LeaderJobs;
  private readonly clientAuth: ClientAuth;
  private readonly snapshots: MemberSnapshots;
  private leader: NodeId = 0n;
  private term = 0;
  private appliedIndex: number;
  private readonly publication: MemberPublication;
  private stopping: Promise<void> | undefined;
  private fatalError: unknown;
  private readonly stopListeners: (() => void)[] = [];
  private leaderChanges = 0;
  private readonly peers: PeerDirectory;
  /** Every response header carries both ids; their Longs are made once. */
  private readonly headerIds: { readonly cluster: Long; readonly member: Long };
  private readonly proposer: Proposer;
  private readonly roleLog: RaftRoleLog;
  private readonly backendSize: BackendSize;

  private constructor(
    readonly config: ServerConfig,
    readonly id: NodeId,
    readonly clusterId: bigint,
    private readonly node: RawNode,
    private readonly raftStorage: RaftStorage,
    private sm: StateMachine,
    readonly members: MemberRegistry,
    private readonly transport: PeerTransport,
  ) {
    this.appliedIndex = sm.appliedIndex;
    // The term on disk until raft's first Ready says otherwise (a member that cannot elect anyone, say).
    this.term = node.status().hardState.term;
    this.headerIds = { cluster: uint64(clusterId), member: uint64(id) };
    this.backendSize = new BackendSize(sm.backend);
    this.peers = new PeerDirectory(id, members, (peers) => transport.setPeers(peers));
    this.clientAuth = new ClientAuth({
      config,
      auth: () => this.sm.auth,
      appliedIndex: () => this.appliedIndex,
      waitApplied: (index) => this.waitApplied(index),
    });
    this.leaderJobs = new LeaderJobs({
      config,
      memberId: id,
      isLeader: () => this.leader === this.id,
      stateMachine: () => this.sm,
      propose: (body) => this.propose(body),
      backendSize: this.backendSize,
      members: () => members.list(),
      linearizableRead: () => this.linearizableRead(),
    });
    this.waits = new WaitRegistry(this.appliedIndex);
    this.proposer = new Proposer({ config, memberId: id, waits: this.waits, enqueue: (work) => this.enqueue(work) });
    this.roleLog = new RaftRoleLog(id, config.log);
    this.publication = new MemberPublication({
      attributes: { id: uint64(id), name: config.name, client_urls: [...config.advertiseClientUrls] },
      propose: (body) => this.propose(body),
      running: () => this.running,
    });
    this.applier = new Applier({
      stateMachine: () => this.sm,
      members,
      simpleTokens: this.clientAuth.simpleTokens,
      membersChanged: () => this.peers.refresh(),
      leaseRevoked: (lease) => this.leaderJobs.leaseRevoked(lease),
    });
    this.committedEntries = {
      memberId: id,
      applier: this.applier,
      waits: this.waits,
      stateMachine: () => this.sm,
      applyToNode: (cc) => node.applyConfChange(cc),
      removedSelf: () => this.removedSelf(),
    };
    this.reads = new ReadIndexBatcher({
      memberId: id,
      waits: this.waits,
      enqueue: (work) => this.enqueue(work),
      hasLeader: () => this.leader !== 0n,
      timeoutMs: requestTimeoutMs(config),
    });
    this.snapshots = new MemberSnapshots({
      memberId: id,
      config,
      raftStorage,
      members,
      stateMachine: () => this.sm,
      send: (messages) => transport.send(messages),
      fatal: (msg, err) => this.fatal(msg, err),
    });
    this.driver = new RaftNodeDriver(node, {
      onSoftState: (soft) => {
        this.roleLog.roleIs(soft.raftState);
        this.onSoftState(soft.lead, soft.raftState);
      },
      send: (messages) => this.snapshots.send(messages),
      persistSnapshot: (snapshot) => this.installSnapshot(snapshot),
      persist: (rd) => {
        if (rd.hardState) this.term = rd.hardState.term;
        this.roleLog.note(this.term);
        return this.raftStorage.persist(rd);
      },
      onReadStates: (readStates) => this.reads.onReadStates(readStates),
      apply: (entries) => this.applyEntries(entries),
      afterAdvance: () => this.snapshots.maybeCreate(this.appliedIndex, () => node.status().confState),
    });
  }

  static async start(config: ServerConfig): Promise<EtcdServer> {
    const opened = await openMember(config);
    const { id, clusterId, members } = opened;
    let server: EtcdServer | undefined;
    const transport = new PeerTransport(
      clusterId,
      {
        membersJson: () => membersJson(members.list()),
        receive: (messages) => server?.enqueue((n) => messages.forEach((m) => stepSafely(n, m))),
        unreachable: (peer) => server?.enqueue((n) => n.reportUnreachable(peer)),
        snapshotSent: (peer, ok) => server?.enqueue((n) => n.reportSnapshot(peer, ok ? SnapshotStatus.Finish : SnapshotStatus.Failure)),
      },
      config.peerTls,
    );
    await transport.listen(config.listenPeerUrls[0]!);
    const raftStorage = new RaftStorage(opened.memory, opened.logStore, opened.snapshots);
    server = new EtcdServer(config, id, clusterId, opened.node, raftStorage, opened.stateMachine, members, transport);
    transport.serveRequests(peerHashKvHandler(server.kv, peerLeaseHandler(server, () => membersJson(members.list()))));
    server.peers.seedFromFlags(config);
    server.peers.refresh();
    const started = server;
    server.loopDone = server.driver.run(REAL_CLOCK, config.heartbeatIntervalMs).catch((err: unknown) => started.failLoop(err));
    server.leaderJobs.start();
    return server;
  }

  // ---- state for the client API ----------------------------------------------------------------------

  /** The state the client API reads (ranges, leases, alarms, watches). */
  readonly kv = new KvFacade(() => this.sm);

  get auth(): AuthStore {
    return this.sm.auth;
  }

  get jwt(): JwtTokens | undefined {
    return this.clientAuth.jwt;
  }

  get leaderId(): NodeId {
    return this.leader;
  }

  /** Raft's position on this member (Maintenance.Status, /metrics). */
  get raftStatus(): { term: number; index: number; commitIndex: number; appliedIndex: number } {
    return { term: this.term, index: this.raftStorage.memory.lastIndex(), commitIndex: this.node.status().hardState.commit, appliedIndex: this.appliedIndex };
  }

  /** For /metrics. */
  get counters(): { leaderChanges: number; pendingProposals: number; failedProposals: number; readIndexRounds: number; wal: RaftWalStats } {
    return {
      leaderChanges: this.leaderChanges,
      pendingProposals: this.waits.proposals.size,
      failedProposals: this.proposer.failedProposals,
      readIndexRounds: this.reads.rounds,
      wal: this.raftStorage.walStats,
    };
  }

  /** On the leader: whether a learner's log is close enough to the leader's to be promoted (etcd's 90%). */
  learnerReady(id: NodeId): boolean {
    const status = this.node.status();
    const match = status.progress?.get(id)?.match;
    return match !== undefined && match >= 0.9 * status.lastIndex;
  }

  get isLearner(): boolean {
    return this.members.get(this.id)?.isLearner ?? false;
  }

  /** The response header etcd puts on every reply. */
  header(revision = this.sm.store.currentRevision): pb.ResponseHeaderInit & { readonly revision: number } {
    return { cluster_id: this.headerIds.cluster, member_id: this.headerIds.member, revision, raft_term: this.term };
  }

  /** Size of the state backend on disk (etcd's dbSize). */
  dbSize(): Promise<number> {
    return this.backendSize.measure();
  }

  /** Who a request comes from, by its token or its client certificate (see ClientAuth). */
  authInfo(token: string | undefined, certificateName?: string): Promise<AuthInfo | undefined> {
    return this.clientAuth.authInfo(token, certificateName);
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  // ---- client operations ----------------------------------------------------------------------------

  /** Checks a write before it is proposed, as etcd does (empty key, txn limits, duplicate keys). */
  checkWrite(body: KvWrite): void {
    const request = kvRequestFromPb(body);
    if (request.kind === 'put') checkPutRequest(request.put);
    if (request.kind === 'delete_range') checkDeleteRangeRequest(request.deleteRange);
    if (request.kind === 'txn') checkTxnRequest(request.txn, this.config.maxTxnOps);
  }

  /**
   * Proposes a request and resolves once it applied here. `body` is the InternalRequest without its id;
   * `caller` says when the client stops waiting (see Proposer.propose).
   */
  propose(body: Proposal, caller?: ProposalCaller): Promise<ApplyOutcome> {
    return this.proposer.propose(body, caller);
  }

  /** Resolves once this member has applied everything committed when the call was made (ReadIndex). */
  linearizableRead(): Promise<void> {
    if (!this.running) return Promise.reject(Errors.stopped());
    return this.reads.read();
  }

  waitApplied(index: number): Promise<void> {
    return this.waits.appliedIndex.wait(index);
  }

  /**
   * Proposes a membership change and resolves once it applied here ("request timed out" if dropped);
   * under --strict-reconfig-check one that could cost the quorum is refused first.
   */
  async proposeConfChange(cc: ConfChange, timeoutMs?: number): Promise<void> {
    if (this.config.strictReconfigCheck) {
      await checkReconfiguration(cc, { selfId: this.id, members: this.members.list(), reachable: peerReachable(this.config) });
    }
    return this.proposer.proposeConfChange(cc, timeoutMs);
  }

  transferLeadership(to: NodeId): void {
    this.enqueue((node) => node.transferLeader(to));
  }

  get leadTransferee(): NodeId {
    return this.node.status().leadTransferee;
  }

  /** etcd's MoveLeader, on the leader (see leader-transfer.ts). */
  moveLeader(target: NodeId): Promise<void> {
    return moveLeader(this, target, requestTimeoutMs(this.config), this.config.heartbeatIntervalMs);
  }

  private enqueue(item: (node: RawNode) => void): boolean {
    if (this.running) this.driver.enqueue(item);
    return this.running;
  }

  // ---- the Ready loop's hooks -------------------------------------------------------------------------

  /** A snapshot from the leader replaces this member's state (see member-snapshots.ts). */
  private async installSnapshot(snapshot: Snapshot): Promise<void> {
    this.appliedIndex = await this.snapshots.install(snapshot, (sm) => {
      this.sm = sm;
      this.clientAuth.retainValidTokens(sm.auth);
    });
    this.waits.appliedIndex.advance(this.appliedIndex);
    this.peers.refresh();
  }

  private onSoftState(lead: NodeId, state: StateType): void {
    const wasLeader = this.leader === this.id;
    if (lead !== this.leader) {
      this.config.log('info', 'leader changed', { leader: lead.toString(16), term: this.term });
      if (lead !== 0n) {
        this.leaderChanges++;
        this.reads.onLeaderChange();
        this.proposer.onLeader();
      }
    }
    this.leader = lead;
    const isLeader = state === StateType.Leader;
    if (isLeader && !wasLeader) this.sm.lessor.promote(this.config.electionTimeoutMs);
    if (!isLeader && wasLeader) this.sm.lessor.demote();
    if (lead !== 0n) this.publication.onLeader();
  }

  /** Calls `listener` once this member has published itself and serves its clients (see member-publication.ts). */
  onceReady(listener: () => void): void {
    this.publication.onceReady(listener);
  }

  private applyEntries(entries: readonly Entry[]): void {
    this.appliedIndex = applyCommittedEntries(entries, this.appliedIndex, this.committedEntries);
    this.sm.commit(this.appliedIndex).catch((err: unknown) => this.fatal('failed to commit the state backend; stopping the member', err));
    this.waits.appliedIndex.advance(this.appliedIndex);
  }

  private removedSelf(): void {
    this.config.log('warn', 'this member was removed from the cluster; stopping');
    // A moment for the others to learn the removal committed before this member goes quiet.
    setTimeout(() => {
      this.stop().catch((err: unknown) => this.config.log('error', 'stopping after removal failed', { error: errorText(err) }));
    }, 2 * this.config.electionTimeoutMs).unref();
  }

  // ---- stopping ----------------------------------------------------------------------------------------

  private failLoop(err: unknown): void {
    this.fatal('the raft loop failed; stopping the member', err);
  }

  /**
   * Stops the member for good: a write that did not reach the disk, or an entry it cannot apply, would
   * make this member diverge from the others if it went on serving. A restart replays the raft log.
   */
  private fatal(msg: string, err: unknown): void {
    if (this.fatalError !== undefined) return;
    this.fatalError = err;
    const cause = err instanceof Error && err.cause !== undefined ? { cause: errorText(err.cause) } : {};
    this.config.log('fatal', msg, { error: errorText(err), ...cause });
    this.running = false;
    this.leaderJobs.stop();
    this.driver.stop();
    this.rejectAllWaiters(Errors.stopped());
    (this.config.onFatal ?? exitProcess)(err);
  }

  /** Fails every caller still waiting on this member: proposals, reads, applied-index waits, conf changes. */
  private rejectAllWaiters(reason: unknown): void {
    const err = toError(reason);
    this.reads.rejectQueued(err);
    this.waits.rejectAll(err);
  }

  /** Stops serving: hands leadership over first when leading, then closes the peer links and the disks. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const target = this.members.list().find((m) => m.id !== this.id && !m.isLearner);
    if (this.leader === this.id && target) {
      this.transferLeadership(target.id);
      const deadline = Date.now() + this.config.electionTimeoutMs;
      while (this.leader === this.id && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
    this.running = false;
    this.leaderJobs.stop();
    this.driver.stop();
    await this.loopDone;
    this.rejectAllWaiters(Errors.stopped());
    this.clientAuth.close();
    await this.transport.close();
    await this.sm.backend.close();
    await this.raftStorage.close();
    for (const listener of this.stopListeners) listener();
  }
}

function exitProcess(): void {
  process.exit(1);
}

function stepSafely(node: RawNode, m: Message): void {
  try {
    node.step(m);
  } catch {
    // A message the core refuses (e.g. a local type from a peer) is dropped, as a bad packet would be.
  }
}
