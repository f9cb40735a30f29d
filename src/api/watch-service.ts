// One Watch stream: many watchers, created and cancelled by the client's requests, answered in request
// order; events flow as the keyspace's watch hub delivers them. Every response is encoded here and
// queued; what a turn of the event loop queued leaves together (see watch-output.ts). A stream the
// client reads slowly pushes back and its watchers catch up from history once it drained, at most once
// per interval (CATCH_UP_INTERVAL_MS).

import { AuthStore } from '../auth/index.js';
import { fragmentEvents, type MvccEvent, type Watcher } from '../mvcc/index.js';
import { toNumber } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { callerOf } from './client-identity.js';
import type { DuplexCall } from './duplex-call.js';
import { eventsFields, eventsResponse, headerField, watchIdField } from './watch-encoding.js';
import { guardStreamLeader } from './require-leader.js';
import { messageOutput, type EncodedResponse, type WatchOutput } from './watch-output.js';

const WatchResponse = messageType('etcdserverpb.WatchResponse');

/** etcd answers a progress request with this watch id. */
const INVALID_WATCH_ID = -1;
/** etcd's default --experimental-watch-progress-notify-interval. */
const PROGRESS_NOTIFY_INTERVAL_MS = 10 * 60 * 1000;
/** etcd raises a shorter interval to this (minWatchProgressInterval). */
export const MIN_PROGRESS_NOTIFY_INTERVAL_MS = 100;
/** etcd fragments above max-request-bytes plus this much. */
const FRAGMENT_SLACK_BYTES = 512 * 1024;
const ZERO_BYTE = new Uint8Array([0]);
/**
 * A stream that filled up resumes its watchers once it drained, and no sooner than this after it last
 * resumed them: etcd syncs the watchers that fell behind every 100 ms. A client slower than the puts then
 * gets each watcher's missed revisions in one response per interval, not one per drain (a few milliseconds
 * apart), and spends less per event decoding them (bench/RESULTS.md, "Watchers that fell behind"); a
 * client that fell behind once, for a moment, gets them as soon as it read what it had.
 */
const CATCH_UP_INTERVAL_MS = 100;
/** The cancel reason etcd 3.4 gives a watch the caller may not read (the text of a gRPC status). */
const PERMISSION_DENIED_REASON = 'rpc error: code = PermissionDenied desc = etcdserver: permission denied';

interface StreamWatcher {
  readonly watcher: Watcher;
  /** Its watch id, encoded once. */
  readonly idField: Uint8Array;
  readonly progressNotify: boolean;
  readonly fragment: boolean;
  /** Whether events went out since the last progress tick (a progress notification is then not needed). */
  sentSinceTick: boolean;
}

/** What a watch stream needs of its transport: a gRPC duplex call (responses encoded), or the JSON gateway's HTTP response. */
export type WatchCall = DuplexCall<pb.WatchRequest, Uint8Array>;

/**
 * Each stream ticks at the interval plus up to a tenth of it at random, as etcd 3.4 does, so streams a
 * restarting client opened together do not all report at once.
 */
function progressInterval(configured: number | undefined): number {
  const interval = configured === undefined || configured <= 0 ? PROGRESS_NOTIFY_INTERVAL_MS : Math.max(configured, MIN_PROGRESS_NOTIFY_INTERVAL_MS);
  return interval + Math.floor(Math.random() * (interval / 10));
}

export function serveWatch(server: EtcdServer, call: WatchCall, output: WatchOutput = messageOutput(call)): void {
  const hub = server.kv.watches;
  const watchers = new Map<number, StreamWatcher>();
  let nextId = 0;
  let ended = false;
  const fragmentLimit = server.config.maxRequestBytes + FRAGMENT_SLACK_BYTES;

  // Responses queued in this turn of the event loop, sent together at its end: in a tick callback. The
  // apply runs in a promise callback and tick callbacks wait for those to be done, so the answer to the
  // write that made the events (a put on this member) leaves before them, as with etcd (one member, its
  // putter waiting behind a fan-out to 1,000 watchers: 20 % more events per second).
  let queued: EncodedResponse[] = [];
  // Whether the output had room after the last send; when it had not, one drain listener resumes the
  // watchers held back meanwhile (not one listener each).
  let room = true;
  let lastCatchUpAt = -Infinity;
  const blocked = new Set<StreamWatcher>();
  const flush = (): void => {
    const responses = queued;
    queued = [];
    if (ended || responses.length === 0 || output.send(responses) || !room) return;
    room = false;
    const resume = (): void => {
      if (ended) return;
      room = true;
      lastCatchUpAt = Date.now();
      const waiting = [...blocked];
      blocked.clear();
      for (const entry of waiting) hub.resume(entry.watcher);
    };
    output.onceDrain(() => {
      const wait = lastCatchUpAt + CATCH_UP_INTERVAL_MS - Date.now();
      if (wait > 0) setTimeout(resume, wait).unref();
      else resume();
    });
  };
  const enqueue = (response: EncodedResponse): void => {
    if (ended) return;
    queued.push(response);
    if (queued.length === 1) process.nextTick(flush);
  };
  const write = (response: pb.WatchResponseInit): void => enqueue(WatchResponse.encode(response).finish());

  /** Queues the events; false when the stream is full (the watcher then waits for it to drain). */
  const sendEvents = (entry: StreamWatcher, events: readonly MvccEvent[], revision: number): boolean => {
    entry.sentSinceTick = true;
    const header = headerField(server.header(revision));
    if (entry.fragment) {
      const pieces = fragmentEvents(events, fragmentLimit);
      pieces.forEach((piece, i) => enqueue(eventsResponse(header, entry.idField, i < pieces.length - 1, eventsFields(piece))));
    } else {
      enqueue(eventsResponse(header, entry.idField, false, eventsFields(events)));
    }
    if (!room && !ended) blocked.add(entry);
    return room;
  };

  /** Whether the stream's token lets it read what the watch asks for (always, while auth is off). */
  const permitted = async (request: pb.WatchCreateRequest): Promise<boolean> => {
    try {
      const caller = await callerOf(server, call);
      if (!caller) return true;
      return AuthStore.allows(() => server.auth.checkRead(caller, request.key, request.range_end));
    } catch {
      return false;
    }
  };

  const create = (request: pb.WatchCreateRequest): void => {
    const key: Uint8Array = request.key.length > 0 ? request.key : ZERO_BYTE;
    const rangeEnd = request.range_end.length > 0 ? request.range_end : undefined;
    const created = { header: server.header(), created: true };
    if (rangeEnd && !(rangeEnd.length === 1 && rangeEnd[0] === 0) && Buffer.compare(key, rangeEnd) >= 0) {
      write({ ...created, watch_id: INVALID_WATCH_ID, canceled: true, cancel_reason: 'mvcc: watcher range is empty' });
      return;
    }
    let id = toNumber(request.watch_id);
    if (id !== 0 && watchers.has(id)) {
      write({ ...created, watch_id: INVALID_WATCH_ID, canceled: true, cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream' });
      return;
    }
    if (id === 0) {
      while (watchers.has(nextId)) nextId++;
      id = nextId++;
    }
    write({ ...created, watch_id: id });
    const filters = request.filters;
    let entry: StreamWatcher | undefined;
    const watcher = hub.watch(
      {
        key,
        rangeEnd,
        startRevision: toNumber(request.start_revision),
        prevKv: request.prev_kv,
        noPut: filters.includes(0),
        noDelete: filters.includes(1),
      },
      {
        deliver: (delivery) => sendEvents(entry!, delivery.events, delivery.revision),
        compacted: (compactRevision) => {
          watchers.delete(id);
          write({ header: server.header(), watch_id: id, canceled: true, compact_revision: compactRevision });
        },
      },
    );
    entry = { watcher, idField: watchIdField(id), progressNotify: request.progress_notify, fragment: request.fragment, sentSinceTick: false };
    watchers.set(id, entry);
  };

  const cancel = (id: number): void => {
    const entry = watchers.get(id);
    if (!entry) return;
    hub.cancel(entry.watcher);
    watchers.delete(id);
    write({ header: server.header(), watch_id: id, canceled: true });
  };

  const progressTimer = setInterval(() => {
    for (const [id, entry] of watchers) {
      if (entry.progressNotify && !entry.sentSinceTick && hub.isSynced(entry.watcher)) write({ header: server.header(), watch_id: id });
      entry.sentSinceTick = false;
    }
  }, progressInterval(server.config.watchProgressNotifyIntervalMs));
  progressTimer.unref();

  let stopLeaderChecks = (): void => undefined;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(progressTimer);
    stopLeaderChecks();
    for (const entry of watchers.values()) hub.cancel(entry.watcher);
    watchers.clear();
  };
  // With `hasleader` metadata (kube-apiserver sets it on every watch), see require-leader.ts.
  const leader = guardStreamLeader(server, call, end);
  if (!leader.open) return;
  stopLeaderChecks = leader.stop;

  // Requests are answered in order; a create may wait for its permission check.
  let pending: Promise<void> = Promise.resolve();
  call.on('data', (request: pb.WatchRequest) => {
    pending = pending.then(async () => {
      if (ended) return;
      if (request.create_request) {
        if (!(await permitted(request.create_request))) {
          const id = toNumber(request.create_request.watch_id);
          write({ header: server.header(), watch_id: id, created: true, canceled: true, cancel_reason: PERMISSION_DENIED_REASON });
          return;
        }
        if (!ended) create(request.create_request);
      } else if (request.cancel_request) cancel(toNumber(request.cancel_request.watch_id));
      else if (request.progress_request) write({ header: server.header(), watch_id: INVALID_WATCH_ID });
    });
  });
  call.on('end', () => {
    end();
    call.end();
  });
  call.on('error', end);
  call.on('cancelled', end);
  server.onStop(() => {
    end();
    call.end();
  });
}
