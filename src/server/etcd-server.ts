// One Barge member: the raft node driven by a real clock, its durable log and snapshots, the peer
// transport, and the state machine every committed entry is applied to. Client calls come in through
// propose() (writes, resolved when their entry applies here) and linearizableRead() (ReadIndex).
//
// The Ready loop keeps the core's contract: nothing steps the node between ready() and advance();
// whatever arrives meanwhile waits in the inbox and goes into the next Ready, so many proposals share one
// log write and one fsync (group commit).

import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AuthStore,
  DEFAULT_TOKEN_TTL_SECONDS,
  JwtTokens,
  SimpleTokens,
  simpleTokenIndex,
  type AuthInfo,
  type TokenOptions,
} from '../auth/index.js';
import { EtcdError, Errors } from '../etcd-errors.js';
import {
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  ProposalDroppedError,
  RawNode,
  SnapshotStatus,
  StateType,
  decodeConfChange,
  type ConfChange,
  type Entry,
  type Message,
  type NodeId,
  type Ready,
  type Snapshot,
} from '../raft/index.js';
import { StateBackend } from '../storage/backend.js';
import { hasMemberState, prepareDataDir, type DataDirLayout } from '../storage/data-dir.js';
import { PackedCopies } from '../storage/packed-copies.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { restoreMemoryStorage } from '../storage/restore.js';
import { SnapshotStore } from '../storage/snap/snapshot-store.js';
import { stateSnapshotFrames, stateSnapshotRecords } from '../storage/state-snapshot.js';
import type { MemoryStorage } from '../raft/index.js';
import { checkDeleteRangeRequest, checkPutRequest, checkTxnRequest } from '../mvcc/index.js';
import { RequestIdGenerator } from './request-ids.js';
import { uint64, type Pb } from './convert.js';
import { foundersOf, loadIdentity, stageIdentity, withOwnIdentity, writeFoundingEntries } from './bootstrap.js';
import { decodeMemberAttributes } from './member-codec.js';
import { MemberRegistry, memberIdOf, type Member } from './members.js';
import { AlarmType, StateMachine } from './state-machine.js';
import type { AutoCompactor } from './auto-compactor.js';
import { PeerTransport, dialAddressFor, getFromPeer } from './transport.js';
import { REAL_CLOCK, RaftNodeDriver } from './raft-node-driver.js';
import { ReadIndexBatcher } from './read-index.js';
import { Applier } from './apply/applier.js';
import { decodeInternalRequest, encodeInternalRequest, kvRequestFromPb } from './internal-request.js';
import { WaitRegistry, confChangeKey, type ApplyOutcome } from './wait-registry.js';
import type { TlsSettings } from './tls.js';


const LEASE_CHECK_INTERVAL_MS = 500;
const LEASE_REVOKES_PER_CHECK = 1000;
const QUOTA_CHECK_INTERVAL_MS = 1000;

export interface ServerConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: readonly string[];
  readonly advertiseClientUrls: readonly string[];
  readonly listenPeerUrls: readonly string[];
  readonly initialAdvertisePeerUrls: readonly string[];
  /** name → peer URLs */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotCount: number;
  /** Entries kept in the log behind a snapshot, so a slightly slow follower catches up without one. */
  readonly snapshotCatchUpEntries: number;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  readonly quotaBackendBytes: number;
  /** TLS for https:// client URLs (--cert-file, --key-file, --trusted-ca-file, --client-cert-auth, --auto-tls). */
  readonly clientTls?: TlsSettings;
  /** TLS for https:// peer URLs (the same flags with --peer- in front). */
  readonly peerTls?: TlsSettings;
  /** --auth-token (with --auth-token-ttl); simple tokens living 300 s when not given. */
  readonly authToken?: TokenOptions;
  /** Leader-run auto-compaction; undefined when disabled (retention 0). */
  readonly autoCompaction?: AutoCompactor;
  readonly log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Called once the member hit an error it cannot go on from (a disk write failed, an entry nobody
   * understands), after the fatal log line. Exits the process with status 1 unless given, as etcd does.
   */
  readonly onFatal?: (err: unknown) => void;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'fatal';

export class EtcdServer {
  private running = true;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly driver: RaftNodeDriver;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly waits: WaitRegistry;
  private readonly applier: Applier;
  private readonly reads: ReadIndexBatcher;
  private leader: NodeId = 0n;
  private term = 0;
  private appliedIndex: number;
  private snapshotIndex: number;
  private published = false;
  private readonly revoking = new Set<bigint>();
  private stopping: Promise<void> | undefined;
  private readonly stopListeners: (() => void)[] = [];
  /** This member's simple tokens (simple token mode). */
  readonly simpleTokens: SimpleTokens | undefined;
  /** The JWT signer and verifier (jwt token mode). */
  readonly jwt: JwtTokens | undefined;

  private constructor(
    readonly config: ServerConfig,
    readonly id: NodeId,
    readonly clusterId: bigint,
    private readonly layout: DataDirLayout,
    private node: RawNode,
    private readonly storage: MemoryStorage,
    private readonly logStore: RaftLogStore,
    private readonly snapshots: SnapshotStore,
    private sm: StateMachine,
    readonly members: MemberRegistry,
    private readonly transport: PeerTransport,
  ) {
    this.appliedIndex = sm.appliedIndex;
    this.snapshotIndex = storage.snapshot().metadata.index;
    this.headerIds = { cluster: uint64(clusterId), member: uint64(id) };
    this.requestIds = new RequestIdGenerator(id);
    this.waits = new WaitRegistry(this.appliedIndex);
    this.applier = new Applier({
      stateMachine: () => this.sm,
      members,
      simpleTokens: this.simpleTokens,
      membersChanged: () => this.updatePeers(),
      leaseRevoked: (lease) => this.revoking.delete(lease),
    });
    this.reads = new ReadIndexBatcher({
      memberId: id,
      waits: this.waits,
      enqueue: (work) => this.enqueue(work),
      hasLeader: () => this.leader !== 0n,
      timeoutMs: this.requestTimeoutMs(),
    });
    this.driver = new RaftNodeDriver(node, {
      onSoftState: (soft) => this.onSoftState(soft.lead, soft.raftState),
      send: (messages) => this.send(messages),
      persistSnapshot: (snapshot) => this.installSnapshot(snapshot),
      persist: (rd) => this.persist(rd),
      onReadStates: (readStates) => this.reads.onReadStates(readStates),
      apply: (entries) => this.applyEntries(entries),
      afterAdvance: () => this.maybeSnapshot(),
    });
    const tokens = config.authToken ?? { type: 'simple', ttlMs: DEFAULT_TOKEN_TTL_SECONDS * 1000 };
    if (tokens.type === 'simple') this.simpleTokens = new SimpleTokens(tokens.ttlMs);
    else this.jwt = new JwtTokens(tokens);
  }

  static async start(config: ServerConfig): Promise<EtcdServer> {
    const restarting = await hasMemberState(config.dataDir);
    const layout = await prepareDataDir(config.dataDir);
    const backend = await StateBackend.open(join(layout.snapDir, 'db'));
    const smOptions = { now: () => Date.now(), minLeaseTtlSeconds: Math.ceil((3 * config.electionTimeoutMs) / 2 / 1000) };
    const { store: logStore, state } = await RaftLogStore.open(layout);
    const snapshots = await SnapshotStore.open(layout.snapDir);
    let id: bigint;
    let clusterId: bigint;
    let storage: MemoryStorage;
    let joiningMembers: Member[] = [];
    const identity = restarting ? await loadIdentity(backend) : undefined;
    if (identity) {
      // A data dir with a member in it: bootstrap flags are ignored, as etcd ignores them.
      ({ memberId: id, clusterId } = identity);
      storage = restoreMemoryStorage(state, EMPTY_BYTES);
      config.log('info', 'restarting member from its data dir', { 'member-id': id.toString(16), 'applied-index': backend.consistentIndex });
    } else {
      const { founders, clusterId: newClusterId } = foundersOf(config.initialCluster, config.initialClusterToken);
      const self = founders.find((m) => m.name === config.name);
      if (!self) throw new Error(`couldn't find local name "${config.name}" in the initial cluster configuration`);
      storage = restoreMemoryStorage(state, EMPTY_BYTES);
      if (config.initialClusterState === 'existing') {
        // Added with `member add`: the running members know the id they gave this member.
        const joined = await fetchClusterFromPeers(config);
        id = joined.id;
        clusterId = joined.clusterId;
        joiningMembers = joined.members;
      } else {
        id = self.id;
        clusterId = newClusterId;
        await writeFoundingEntries(logStore, founders, storage);
      }
      stageIdentity(backend, id, clusterId);
      await backend.commit(backend.consistentIndex);
    }
    const sm = await StateMachine.open(backend, smOptions);
    const members = await MemberRegistry.load(backend);
    for (const member of joiningMembers) members.set(member);
    const applied = Math.max(sm.appliedIndex, storage.firstIndex() - 1);
    const node = new RawNode({
      id,
      storage,
      applied,
      electionTick: Math.max(2, Math.round(config.electionTimeoutMs / config.heartbeatIntervalMs)),
      heartbeatTick: 1,
      rand: { intn: (n: number) => randomBytes(4).readUInt32BE() % n },
    });
    let server: EtcdServer | undefined;
    const transport = new PeerTransport(clusterId, {
      membersJson: () => JSON.stringify(members.list().map(memberToJson)),
      receive: (messages) => server?.enqueue((n) => messages.forEach((m) => stepSafely(n, m))),
      unreachable: (peer) => server?.enqueue((n) => n.reportUnreachable(peer)),
      snapshotSent: (peer, ok) => server?.enqueue((n) => n.reportSnapshot(peer, ok ? SnapshotStatus.Finish : SnapshotStatus.Failure)),
    }, config.peerTls);
    await transport.listen(config.listenPeerUrls[0]!);
    server = new EtcdServer(config, id, clusterId, layout, node, storage, logStore, snapshots, sm, members, transport);
    // Founders not yet in the registry (a fresh data dir): their URLs from the flags, until their entries apply.
    if (members.list().length === 0) {
      for (const peerUrls of config.initialCluster.values()) server.peerUrlsFromFlags.set(memberIdOf(peerUrls, config.initialClusterToken), peerUrls);
    }
    server.updatePeers();
    server.loopDone = server.driver.run(REAL_CLOCK, config.heartbeatIntervalMs).catch((err: unknown) => server!.failLoop(err));
    server.timers.push(setInterval(() => server!.expireLeases(), LEASE_CHECK_INTERVAL_MS));
    server.timers.push(setInterval(() => void server!.checkQuota(), QUOTA_CHECK_INTERVAL_MS));
    const compactor = config.autoCompaction;
    if (compactor) server.timers.push(setInterval(() => server!.autoCompact(compactor), compactor.intervalMs));
    return server;
  }

  /** Peer URLs known from --initial-cluster, used until the member list (from the log) names them. */
  private readonly peerUrlsFromFlags = new Map<NodeId, readonly string[]>();

  get stateMachine(): StateMachine {
    return this.sm;
  }

  get leaderId(): NodeId {
    return this.leader;
  }

  get raftTerm(): number {
    return this.term;
  }

  get raftIndex(): number {
    return this.storage.lastIndex();
  }

  get raftCommitIndex(): number {
    return this.node.status().hardState.commit;
  }

  /** For /metrics. */
  get counters(): { leaderChanges: number; pendingProposals: number; failedProposals: number; readIndexRounds: number } {
    return { leaderChanges: this.leaderChanges, pendingProposals: this.waits.proposals.size, failedProposals: this.failedProposals, readIndexRounds: this.reads.rounds };
  }

  private leaderChanges = 0;
  private failedProposals = 0;

  get raftAppliedIndex(): number {
    return this.appliedIndex;
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

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  /** The response header etcd puts on every reply. */
  header(revision = this.sm.store.currentRevision): Pb {
    return { cluster_id: this.headerIds.cluster, member_id: this.headerIds.member, revision, raft_term: this.term };
  }

  /** Every response header carries both ids; their Longs are made once. */
  private readonly headerIds: { readonly cluster: Pb; readonly member: Pb };
  private readonly requestIds: RequestIdGenerator;
  /**
   * The in-memory log keeps up to --snapshot-count entries; their data arrive as views into proposal
   * buffers and raft frames, so they are copied out, packed, rather than pin those whole buffers.
   */
  private readonly logCopies = new PackedCopies(1024 * 1024);

  private enqueue(item: (node: RawNode) => void): void {
    if (this.running) this.driver.enqueue(item);
  }

  // ---- client operations ----------------------------------------------------------------------------

  /** Proposes a request and resolves once it applied here. `body` is the InternalRequest without its id. */
  propose(body: Pb, timeoutMs = this.requestTimeoutMs()): Promise<ApplyOutcome> {
    const id = this.requestIds.next();
    const data = encodeInternalRequest(id, body, uint64);
    if (data.length > this.config.maxRequestBytes) return Promise.reject(Errors.requestTooLarge());
    if (!this.running) return Promise.reject(Errors.stopped());
    const outcome = this.waits.proposals.wait(id, timeoutMs, () => {
      this.failedProposals++;
      return Errors.timeout();
    });
    this.enqueue((node) => {
      try {
        node.propose(data);
      } catch (err) {
        this.failedProposals++;
        this.waits.proposals.fail(id, droppedError(err));
      }
    });
    return outcome;
  }

  /** Resolves once this member has applied everything committed when the call was made (ReadIndex). */
  linearizableRead(): Promise<void> {
    if (!this.running) return Promise.reject(Errors.stopped());
    return this.reads.read();
  }

  // ---- auth ------------------------------------------------------------------------------------------

  get auth(): AuthStore {
    return this.sm.auth;
  }

  /**
   * Who a client request comes from, by the token it carries: undefined while auth is off (nothing is
   * checked); an empty user (revision 0) without a token; throws invalid auth token for a token this
   * member does not know or that expired. A simple token from an entry this member has not applied yet is
   * waited for, as etcd does.
   */
  /**
   * Who a request comes from: its token's user, or, without a token, the Common Name of the client
   * certificate verified at the TLS handshake (etcd's certificate-based authentication).
   */
  async authInfo(token: string | undefined, certificateName?: string): Promise<AuthInfo | undefined> {
    if (!this.sm.auth.enabled) return undefined;
    if (token === undefined || token.length === 0) return { username: certificateName ?? '', revision: certificateName ? this.sm.auth.revision : 0 };
    if (this.jwt) {
      const claims = this.jwt.verify(token);
      if (!claims) throw Errors.invalidAuthToken();
      return { username: claims.username, revision: claims.revision };
    }
    const index = simpleTokenIndex(token);
    if (index === undefined) throw Errors.invalidAuthToken();
    if (index > this.appliedIndex) {
      const reached = await Promise.race([
        this.waitApplied(index).then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.requestTimeoutMs()).unref()),
      ]);
      if (!reached) throw Errors.invalidAuthToken();
    }
    const username = this.simpleTokens?.use(token);
    if (username === undefined) throw Errors.invalidAuthToken();
    return { username, revision: this.sm.auth.revision };
  }

  /** The header a client's proposal carries, checked against the auth state when it applies. */
  static authHeader(info: AuthInfo | undefined): Pb {
    return { username: info?.username ?? '', revision: info?.revision ?? 0 };
  }

  private requestTimeoutMs(): number {
    return 5000 + 2 * this.config.electionTimeoutMs;
  }

  waitApplied(index: number): Promise<void> {
    return this.waits.appliedIndex.wait(index);
  }

  /** Fails every caller still waiting on this member: proposals, reads, applied-index waits, conf changes. */
  private rejectAllWaiters(err: unknown): void {
    this.reads.rejectQueued(err);
    this.waits.rejectAll(err);
  }

  /**
   * Proposes a membership change and resolves once it applied here. A follower forwards it to the leader,
   * which may drop it (a change already pending): as etcd, the caller then gets a timeout, never a hang.
   */
  proposeConfChange(cc: ConfChange, timeoutMs = this.requestTimeoutMs()): Promise<void> {
    if (!this.running) return Promise.reject(Errors.stopped());
    const key = confChangeKey(cc.nodeId, cc.type);
    const applied = this.waits.confChanges.wait(key, timeoutMs, () => Errors.timeout());
    this.enqueue((node) => {
      try {
        node.proposeConfChange(cc);
      } catch (err) {
        this.waits.confChanges.fail(key, droppedError(err));
      }
    });
    return applied;
  }

  transferLeadership(to: NodeId): void {
    this.enqueue((node) => node.transferLeader(to));
  }

  // ---- the Ready loop --------------------------------------------------------------------------------

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
    this.config.log('fatal', msg, { error: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.cause ? { cause: String(err.cause) } : {}) });
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.driver.stop();
    this.rejectAllWaiters(Errors.stopped());
    (this.config.onFatal ?? exitProcess)(err);
  }

  private fatalError: unknown;

  /** Makes a Ready's entries and hard state durable, then gives them to raft's in-memory log. */
  private async persist(rd: Ready): Promise<void> {
    if (rd.hardState) this.term = rd.hardState.term;
    if (rd.entries.length === 0 && !rd.hardState) return;
    const saved = this.logStore.save({ entries: rd.entries, hardState: rd.hardState }, { sync: rd.mustSync });
    // Only a new commit index need not be durable (a restarted member learns it again), so applying
    // does not wait for it. The store writes in order, and a failed write fails every later one.
    if (rd.mustSync) await saved;
    else saved.catch((err: unknown) => this.failLoop(err));
    this.storage.append(rd.entries.map((entry) => ({ ...entry, data: this.logCopies.copy(entry.data) })));
    if (rd.hardState) this.storage.setHardState(rd.hardState);
  }

  private send(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const plain = messages.filter((m) => m.type !== MessageType.Snap);
    this.transport.send(plain);
    for (const m of messages) if (m.type === MessageType.Snap) void this.sendSnapshot(m);
  }

  /** The raft snapshot names a point; the state itself travels as a dump of the backend (which may be newer). */
  /** The last state dump sent, per snapshot point, so a retried transfer sends the same bytes and can resume. */
  private lastDump: { index: number; term: number; data: Uint8Array } | undefined;

  private async sendSnapshot(m: Message): Promise<void> {
    const { index, term } = m.snapshot!.metadata;
    let data = this.lastDump?.index === index && this.lastDump.term === term ? this.lastDump.data : undefined;
    if (!data) {
      const chunks: Uint8Array[] = [];
      let sha: Uint8Array = new Uint8Array(0);
      for await (const frame of stateSnapshotFrames(this.sm.backend)) {
        if (frame.kind === 'chunk') chunks.push(frame.data);
        else sha = frame.sha256;
      }
      data = Buffer.concat([...chunks, sha]);
      this.lastDump = { index, term, data };
    }
    this.config.log('info', 'sending snapshot', { to: m.to.toString(16), index: m.snapshot!.metadata.index, bytes: data.length });
    this.transport.send([{ ...m, snapshot: { metadata: m.snapshot!.metadata, data } }]);
  }

  private async installSnapshot(snapshot: Snapshot): Promise<void> {
    const data = snapshot.data;
    const payload = data.subarray(0, data.length - 32);
    const sha = data.subarray(data.length - 32);
    async function* frames() {
      yield { kind: 'chunk' as const, data: payload };
      yield { kind: 'end' as const, totalBytes: payload.length, sha256: sha };
    }
    this.config.log('info', 'installing snapshot', { index: snapshot.metadata.index, bytes: data.length });
    const backend = this.sm.backend;
    await backend.replaceWith(withOwnIdentity(stateSnapshotRecords(frames()), this.id));
    const previous = this.sm;
    this.sm = await StateMachine.open(
      backend,
      { now: () => Date.now(), minLeaseTtlSeconds: Math.ceil((3 * this.config.electionTimeoutMs) / 2 / 1000) },
      previous.watches,
    );
    this.simpleTokens?.retainUsers((name) => this.sm.auth.user(name) !== undefined);
    if (!this.sm.auth.enabled) this.simpleTokens?.clear();
    const reloaded = await MemberRegistry.load(backend);
    for (const member of reloaded.list()) this.members.set(member);
    const metadataOnly = { metadata: snapshot.metadata, data: EMPTY_BYTES };
    await this.snapshots.save(metadataOnly);
    await this.logStore.save({ snapshot: snapshot.metadata }, { sync: true });
    this.storage.applySnapshot(metadataOnly);
    this.appliedIndex = Math.max(snapshot.metadata.index, backend.consistentIndex);
    this.waits.appliedIndex.advance(this.appliedIndex);
    this.snapshotIndex = snapshot.metadata.index;
    this.updatePeers();
  }

  private onSoftState(lead: NodeId, state: StateType): void {
    const wasLeader = this.leader === this.id;
    if (lead !== this.leader) {
      this.config.log('info', 'leader changed', { leader: lead.toString(16), term: this.term });
      if (lead !== 0n) {
        this.leaderChanges++;
        this.reads.onLeaderChange();
      }
    }
    this.leader = lead;
    const isLeader = state === StateType.Leader;
    if (isLeader && !wasLeader) this.sm.lessor.promote(this.config.electionTimeoutMs);
    if (!isLeader && wasLeader) this.sm.lessor.demote();
    if (lead !== 0n && !this.published) this.publish();
  }

  /** Tells the cluster this member's name and client URLs (etcd's publish), so member list shows it started. */
  private publish(): void {
    this.published = true;
    const attributes = { id: uint64(this.id), name: this.config.name, client_urls: [...this.config.advertiseClientUrls] };
    const retry = (): void => {
      this.propose({ publish: attributes }).catch(() => {
        if (this.running) setTimeout(retry, 500).unref();
      });
    };
    queueMicrotask(retry);
  }

  private applyEntries(entries: readonly Entry[]): void {
    for (const entry of entries) {
      // Entries the backend already holds (restart, or a snapshot newer than its raft index) are skipped.
      if (entry.index <= this.sm.backend.consistentIndex) continue;
      if (entry.type === EntryType.ConfChange) this.applyConfChange(entry);
      else if (entry.data.length > 0) this.applyRequest(entry);
      this.appliedIndex = entry.index;
    }
    this.sm.commit(this.appliedIndex).catch((err: unknown) => this.fatal('failed to commit the state backend; stopping the member', err));
    this.waits.appliedIndex.advance(this.appliedIndex);
  }

  private applyRequest(entry: Entry): void {
    const request = decodeInternalRequest(entry.data);
    try {
      const { result, done } = this.applier.apply(request, entry.index);
      this.waits.proposals.trigger(request.id, { result, revision: this.sm.store.currentRevision, done });
    } catch (err) {
      if (!(err instanceof EtcdError)) throw err;
      this.waits.proposals.fail(request.id, err);
    }
  }

  private autoCompact(compactor: AutoCompactor): void {
    if (this.leader !== this.id) return;
    const store = this.sm.store;
    const target = compactor.decide(Date.now(), store.currentRevision, store.compactRevision);
    if (target === undefined) return;
    this.config.log('info', 'auto-compacting', { revision: target, mode: compactor.mode });
    this.propose({ compaction: { revision: target } }).catch(() => undefined);
  }

  /** Raises NOSPACE once the backend outgrows --quota-backend-bytes, as etcd does. */
  private async checkQuota(): Promise<void> {
    if (this.sm.alarms().some((a) => a.memberId === this.id && a.alarm === AlarmType.NoSpace)) return;
    const size = await this.dbSize().catch(() => 0);
    if (size <= this.config.quotaBackendBytes) return;
    this.config.log('warn', 'database space exceeded; raising the NOSPACE alarm', { quota: this.config.quotaBackendBytes });
    await this.propose({ alarm: { action: 1, memberID: uint64(this.id), alarm: AlarmType.NoSpace } }).catch(() => undefined);
  }

  private applyConfChange(entry: Entry): void {
    const cc = decodeConfChange(entry.data);
    this.applier.applyConfChange(cc, cc.context.length > 0 ? decodeMemberAttributes(cc.context) : undefined);
    this.node.applyConfChange(cc);
    this.waits.confChanges.trigger(confChangeKey(cc.nodeId, cc.type), undefined);
    if (cc.type === ConfChangeType.RemoveNode && cc.nodeId === this.id) {
      this.config.log('warn', 'this member was removed from the cluster; stopping');
      // A moment for the others to learn the removal committed before this member goes quiet.
      setTimeout(() => void this.stop(), 2 * this.config.electionTimeoutMs).unref();
    }
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.appliedIndex - this.snapshotIndex < this.config.snapshotCount) return;
    const index = this.appliedIndex;
    // The log below the snapshot is dropped only once the backend holds everything up to it.
    await this.sm.backend.flushed();
    const snapshot = this.storage.createSnapshot(index, this.node.status().confState, EMPTY_BYTES);
    await this.snapshots.save(snapshot);
    await this.logStore.recordSnapshot(snapshot.metadata);
    this.snapshotIndex = index;
    const compactTo = index - this.config.snapshotCatchUpEntries;
    if (compactTo > this.storage.firstIndex()) {
      this.storage.compact(compactTo);
      await this.logStore.compact(compactTo);
    }
    this.config.log('info', 'saved snapshot', { index });
  }

  private updatePeers(): void {
    const peers = new Map<NodeId, readonly string[]>();
    for (const [id, urls] of this.peerUrlsFromFlags) if (id !== this.id && !this.members.isRemoved(id)) peers.set(id, urls);
    for (const member of this.members.list()) if (member.id !== this.id) peers.set(member.id, member.peerUrls);
    this.transport.setPeers(peers);
  }

  /** On the leader: revoke leases past their TTL through raft (each once at a time). */
  private expireLeases(): void {
    if (this.leader !== this.id) return;
    for (const id of this.sm.lessor.expired(LEASE_REVOKES_PER_CHECK)) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.propose({ lease_revoke: { ID: id.toString() } }).catch(() => this.revoking.delete(id));
    }
  }

  /** Approximate size of the state backend on disk (etcd's dbSize). */
  async dbSize(): Promise<number> {
    let total = 0;
    const dir = join(this.layout.snapDir, 'db');
    for (const name of await readdir(dir)) {
      // LevelDB removes old log and table files as it compacts: one listed a moment ago may be gone.
      total += await stat(join(dir, name)).then(
        (file) => file.size,
        () => 0,
      );
    }
    return total;
  }

  /** Checks a write before it is proposed, as etcd does (empty key, txn limits, duplicate keys). */
  checkWrite(body: Pb): void {
    const request = kvRequestFromPb(body);
    if (request?.kind === 'put') checkPutRequest(request.put);
    if (request?.kind === 'delete_range') checkDeleteRangeRequest(request.deleteRange);
    if (request?.kind === 'txn') checkTxnRequest(request.txn, this.config.maxTxnOps);
  }

  /** Stops serving: hands leadership over first when leading, then closes the peer links and the disks. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.leader === this.id && this.members.list().filter((m) => !m.isLearner).length > 1) {
      const target = this.members.list().find((m) => m.id !== this.id && !m.isLearner);
      if (target) {
        this.transferLeadership(target.id);
        const deadline = Date.now() + this.config.electionTimeoutMs;
        while (this.leader === this.id && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      }
    }
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.driver.stop();
    await this.loopDone;
    this.rejectAllWaiters(Errors.stopped());
    this.simpleTokens?.close();
    await this.transport.close();
    await this.sm.backend.close();
    await this.logStore.close();
    for (const listener of this.stopListeners) listener();
  }
}

function exitProcess(): void {
  process.exit(1);
}

interface MemberJson {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

function memberToJson(m: Member): MemberJson {
  return { id: m.id.toString(16), name: m.name, peerURLs: [...m.peerUrls], clientURLs: [...m.clientUrls], isLearner: m.isLearner };
}

/** Asks the members named in --initial-cluster for the member list and finds this member in it by peer URL. */
async function fetchClusterFromPeers(config: ServerConfig): Promise<{ id: bigint; clusterId: bigint; members: Member[] }> {
  const own = new Set(config.initialAdvertisePeerUrls);
  const peers = [...config.initialCluster.entries()].filter(([name]) => name !== config.name).flatMap(([, urls]) => urls);
  for (const url of peers) {
    try {
      const response = await getFromPeer(`${url}/members`, {
        tls: config.peerTls,
        localAddress: config.listenPeerUrls[0] === undefined ? undefined : dialAddressFor(config.listenPeerUrls[0]),
        timeoutMs: 2000,
      });
      if (response.status !== 200) throw new Error(`GET /members answered ${response.status}`);
      const listed = JSON.parse(response.body) as MemberJson[];
      const header = response.headers['x-etcd-cluster-id'];
      const clusterId = BigInt(`0x${typeof header === 'string' ? header : '0'}`);
      const members = listed.map((m) => ({ id: BigInt(`0x${m.id}`), name: m.name, peerUrls: m.peerURLs, clientUrls: m.clientURLs, isLearner: m.isLearner }));
      const self = members.find((m) => m.peerUrls.some((u) => own.has(u)));
      if (!self) throw new Error(`this member's peer URLs are not in the cluster's member list; was it added with "member add"?`);
      return { id: self.id, clusterId, members };
    } catch (err) {
      if (err instanceof Error && err.message.includes('member add')) throw err;
      config.log('warn', 'could not get the member list from a peer', { peer: url, error: String(err) });
    }
  }
  throw new Error('could not get the cluster member list from any peer in --initial-cluster');
}

function stepSafely(node: RawNode, m: Message): void {
  try {
    node.step(m);
  } catch {
    // A message the core refuses (e.g. a local type from a peer) is dropped, as a bad packet would be.
  }
}

function droppedError(err: unknown): unknown {
  if (err instanceof ProposalDroppedError) return Errors.noLeader();
  return err;
}

