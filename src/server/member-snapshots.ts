// A member's snapshots, as etcd's server handles them (snapshot_merge.go, applySnapshot, triggerSnapshot):
// a snapshot message leaves with the state backend's dump merged in, a snapshot from the leader replaces
// the backend and then cuts the raft log, and a new one is made once --snapshot-count entries have applied
// since the last.

import { MessageType, type ConfState, type Message, type NodeId, type Snapshot } from '../raft/index.js';
import { stateMachineOptions } from './member-open.js';
import type { MemberRegistry } from './members.js';
import type { RaftStorage } from './raft-storage.js';
import type { ServerConfig } from './server-config.js';
import { StateMachine } from './state-machine.js';
import { StateDumps, installStateDump } from './state-transfer.js';

export interface MemberSnapshotsDeps {
  readonly memberId: NodeId;
  readonly config: ServerConfig;
  readonly raftStorage: RaftStorage;
  readonly members: MemberRegistry;
  readonly stateMachine: () => StateMachine;
  /** Hands raft messages to the peer transport. */
  readonly send: (messages: readonly Message[]) => void;
  /** Stops the member: a backend it cannot read is a broken disk. */
  readonly fatal: (msg: string, err: unknown) => void;
}

export class MemberSnapshots {
  private readonly dumps = new StateDumps();

  constructor(private readonly deps: MemberSnapshotsDeps) {}

  /** Snapshot messages carry the backend's state, dumped as they leave; the rest go as they are. */
  send(messages: readonly Message[]): void {
    const { send, config, fatal } = this.deps;
    send(messages.filter((m) => m.type !== MessageType.Snap));
    for (const m of messages) {
      if (m.type !== MessageType.Snap) continue;
      this.dumps.withState(m, this.deps.stateMachine().backend, config.log).then(
        (full) => send([full]),
        (err: unknown) => fatal('failed to read the state backend for a snapshot; stopping the member', err),
      );
    }
  }

  /**
   * A snapshot from the leader: its state replaces the backend, `reopened` gets the state machine over it
   * at once (nothing may read the old one over the new data), then the members and the raft log follow.
   * Resolves with the index applied now.
   */
  async install(snapshot: Snapshot, reopened: (stateMachine: StateMachine) => void): Promise<number> {
    const { config, memberId, members, raftStorage } = this.deps;
    config.log('info', 'installing snapshot', { index: snapshot.metadata.index, bytes: snapshot.data.length });
    const previous = this.deps.stateMachine();
    const backend = previous.backend;
    await installStateDump(backend, snapshot.data, memberId);
    reopened(await StateMachine.open(backend, stateMachineOptions(config), previous.watches));
    await members.reload();
    await raftStorage.installSnapshot(snapshot.metadata);
    return Math.max(snapshot.metadata.index, backend.consistentIndex);
  }

  /**
   * Makes a snapshot at `appliedIndex` once --snapshot-count entries have applied since the last one.
   * Called after every Ready, so the membership (raft's status, not free) is asked for only then.
   */
  async maybeCreate(appliedIndex: number, confState: () => ConfState): Promise<void> {
    const { config, raftStorage } = this.deps;
    // A snapshot from the leader carries its backend as of sending, often past the snapshot's own index: this
    // member has then applied entries its log does not hold yet, and a snapshot can name only an entry the
    // log holds (the backend, ahead of it, is what a restart replays from).
    const index = Math.min(appliedIndex, raftStorage.lastIndex);
    if (index - raftStorage.snapshotIndex < config.snapshotCount) return;
    await raftStorage.createSnapshot(index, confState(), config.snapshotCatchUpEntries, this.deps.stateMachine().backend);
    config.log('info', 'saved snapshot', { index });
  }
}
