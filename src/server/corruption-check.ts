// etcd's corruption checks, comparing keyspace hashes between members over the peer link:
// - at startup (--experimental-initial-corrupt-check), a restarting member compares its hash with its
//   peers' at its own revision and refuses to start on a mismatch at the same compact revision;
// - while leading (--experimental-corrupt-check-time), the leader compares its hash with the followers'
//   every interval and raises the CORRUPT alarm for the member found different, after which the cluster
//   refuses writes ("etcdserver: corrupt cluster", see apply/guards.ts).

import { errorText } from '../etcd-errors.js';
import type { KvHash } from '../mvcc/index.js';
import type { NodeId } from '../raft/index.js';
import { uint64 } from '../wire/convert.js';
import { AlarmAction, type Proposal } from './internal-request.js';
import type { Member } from './members.js';
import { peerHashes } from './peer-hashkv.js';
import type { ServerConfig } from './server-config.js';
import { AlarmType } from './state-machine.js';

const hex = (id: NodeId): string => id.toString(16);

/** Throws etcd's "<id> found data inconsistency with peers" when a peer's hash differs at the same compaction. */
export async function checkInitialHash(config: ServerConfig, self: NodeId, hashKv: (revision: number) => KvHash, members: readonly Member[]): Promise<void> {
  config.log('info', 'starting initial corruption check', { 'local-member-id': hex(self) });
  const local = hashKv(0);
  let mismatches = 0;
  for (const peer of await peerHashes(config, self, members, local.revision)) {
    if (!('hash' in peer)) {
      if (peer.error === 'future revision') config.log('warn', 'cannot fetch hash from slow remote peer', { 'remote-peer-id': hex(peer.member.id) });
      if (peer.error === 'compacted') config.log('warn', 'cannot fetch hash from remote peer; local member is behind', { 'remote-peer-id': hex(peer.member.id) });
      continue;
    }
    if (peer.hash.hash === local.hash >>> 0) continue;
    const fields = {
      'local-member-id': hex(self),
      'local-member-revision': local.revision,
      'local-member-compact-revision': local.compactRevision,
      'local-member-hash': local.hash >>> 0,
      'remote-peer-id': hex(peer.member.id),
      'remote-peer-endpoints': peer.member.peerUrls,
      'remote-peer-revision': peer.hash.revision,
      'remote-peer-compact-revision': peer.hash.compactRevision,
      'remote-peer-hash': peer.hash.hash,
    };
    if (peer.hash.compactRevision === local.compactRevision) {
      config.log('warn', 'found different hash values from remote peer', fields);
      mismatches++;
    } else {
      config.log('warn', 'found different compact revision values from remote peer', fields);
    }
  }
  if (mismatches > 0) throw new Error(`${hex(self)} found data inconsistency with peers`);
  config.log('info', 'initial corruption checking passed; no corruption', { 'local-member-id': hex(self) });
}

export interface CorruptionMonitorDeps {
  readonly config: ServerConfig;
  readonly memberId: NodeId;
  readonly intervalMs: number;
  isLeader(): boolean;
  hashKv(revision: number): KvHash;
  members(): readonly Member[];
  linearizableRead(): Promise<void>;
  propose(body: Proposal): Promise<unknown>;
}

/** The leader's periodic check (etcd's monitorKVHash and checkHashKV). */
export class CorruptionMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: CorruptionMonitorDeps) {}

  start(): void {
    this.deps.config.log('info', 'enabled corruption checking', { 'local-member-id': hex(this.deps.memberId), interval: `${this.deps.intervalMs}ms` });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const pass = this.deps.isLeader() ? this.check() : Promise.resolve();
      pass.catch((err: unknown) => this.deps.config.log('warn', 'failed to check hash KV', { error: errorText(err) })).finally(() => this.schedule());
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** One pass: the followers' hashes at this leader's revision, checked against its own. */
  async check(): Promise<void> {
    const { config, memberId } = this.deps;
    const first = this.deps.hashKv(0);
    const peers = await peerHashes(config, memberId, this.deps.members(), first.revision);
    await this.deps.linearizableRead();
    const second = this.deps.hashKv(0);
    const corrupt = new Set<NodeId>();
    if (second.hash !== first.hash && second.revision === first.revision && second.compactRevision === first.compactRevision) {
      config.log('warn', 'found hash mismatch', { revision: first.revision, 'compact-revision': first.compactRevision, hash: first.hash >>> 0, 'hash-after': second.hash >>> 0 });
      corrupt.add(memberId);
    }
    for (const peer of peers) {
      if (!('hash' in peer)) continue;
      const fields = { 'leader-revision': second.revision, 'leader-compact-revision': second.compactRevision, 'leader-hash': first.hash >>> 0, 'follower-id': hex(peer.member.id), 'follower-revision': peer.hash.revision, 'follower-compact-revision': peer.hash.compactRevision, 'follower-hash': peer.hash.hash };
      if (peer.hash.revision > second.revision) {
        config.log('warn', "revision from follower must be less than or equal to leader's", fields);
        corrupt.add(peer.member.id);
      }
      if (peer.hash.compactRevision > second.compactRevision) {
        config.log('warn', "compact revision from follower must be less than or equal to leader's", fields);
        corrupt.add(peer.member.id);
      }
      if (peer.hash.compactRevision === first.compactRevision && peer.hash.hash !== first.hash >>> 0) {
        config.log('warn', 'same compact revision then hashes must match', fields);
        corrupt.add(peer.member.id);
      }
    }
    // etcd raises one alarm per pass, for the first member found.
    const [id] = corrupt;
    if (id !== undefined) await this.deps.propose({ alarm: { action: AlarmAction.Activate, memberID: uint64(id), alarm: AlarmType.Corrupt } });
  }
}
