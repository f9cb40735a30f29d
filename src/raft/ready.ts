import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from './types.js';

/**
 * Everything the driver must do before calling advance(), in this order:
 * 1. persist `snapshot`, `entries` and `hardState` (fsync when `mustSync`); `messages` may be sent and
 *    `readStates` handed over meanwhile (a read is served once the applied index reaches its state's);
 * 2. send `persistedMessages` (they promise durable state);
 * 3. apply `committedEntries` (calling applyConfChange for membership entries); those below the first of
 *    `entries` were durable before this Ready and may be applied during step 1;
 * 4. call advance(ready).
 * Between ready() and advance() the driver must not tick, step or propose.
 * The transport reports the outcome of every MsgSnap it carries with reportSnapshot(): the leader
 * holds that follower's appends until it hears, so a lost snapshot must be reported as a failure.
 */
export interface Ready {
  /** Set when leader or role changed since the last Ready. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed since the last Ready. */
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  /** Entries to append to stable storage; they may replace a conflicting suffix. */
  readonly entries: readonly Entry[];
  /** A snapshot to install in stable storage and in the state machine. */
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  /** Messages that may leave before the persistence step finishes. */
  readonly messages: readonly Message[];
  /** Messages that may leave only after the persistence step finished. */
  readonly persistedMessages: readonly Message[];
  /** Whether the persistence step must be synced to disk before anything in step 2 happens. */
  readonly mustSync: boolean;
}
