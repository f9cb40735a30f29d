import { describe, expect, it } from 'vitest';
import { eventsFields, eventsResponse, headerField, watchIdField } from '../../../src/api/watch-encoding.js';
import { EventType, type KeyValue, type MvccEvent } from '../../../src/mvcc/index.js';
import { keyValueToPb, uint64 } from '../../../src/wire/convert.js';
import { messageType } from '../../../src/wire/proto.js';

const WatchResponse = messageType('etcdserverpb.WatchResponse');
const text = (s: string) => new TextEncoder().encode(s);

const kv = (key: string, value: string, modRevision: number, lease = 0n): KeyValue => ({
  key: text(key),
  value: text(value),
  createRevision: 2,
  modRevision,
  version: modRevision - 1,
  lease,
});

const eventToPb = (event: MvccEvent) => ({ type: event.type, kv: keyValueToPb(event.kv), prev_kv: event.prevKv ? keyValueToPb(event.prevKv) : undefined });

/** What protobufjs makes of the same response built as a message object. */
function reference(header: Parameters<typeof headerField>[0], watchId: number, events: readonly MvccEvent[], fragment: boolean): Uint8Array {
  return WatchResponse.encode({ header, watch_id: watchId, fragment, events: events.map(eventToPb) }).finish();
}

/** A response as the watch stream puts it together from its parts. */
const encodeEventsResponse = (header: Parameters<typeof headerField>[0], watchId: number, events: readonly MvccEvent[], fragment: boolean): Uint8Array =>
  Buffer.concat(eventsResponse(headerField(header), watchIdField(watchId), fragment, eventsFields(events)));

const decoded = (bytes: Uint8Array) => WatchResponse.toObject(WatchResponse.decode(bytes), { longs: String, defaults: true });

describe('hand-encoded watch responses', () => {
  const header = { cluster_id: uint64(0xdeadbeefcafef00dn), member_id: uint64(42n), revision: 9, raft_term: 3 };
  const put = kv('a', 'one', 9, -5n);
  const cases: [string, number, MvccEvent[], boolean][] = [
    ['a put', 7, [{ type: EventType.Put, kv: put }], false],
    ['watch id 0 and a fragment', 0, [{ type: EventType.Put, kv: put }], true],
    ['a delete with its previous value and a put', 1234567, [
      { type: EventType.Delete, kv: { ...kv('b', '', 9), createRevision: 0, version: 0 }, prevKv: kv('b', 'old', 5) },
      { type: EventType.Put, kv: put, prevKv: kv('a', 'zero', 4) },
    ], false],
    ['no events', 3, [], false],
  ];

  for (const [name, watchId, events, fragment] of cases) {
    it(`decode to what the message object encodes to: ${name}`, () => {
      const mine = encodeEventsResponse(header, watchId, events, fragment);
      expect(decoded(mine)).toEqual(decoded(reference(header, watchId, events, fragment)));
      expect(Buffer.from(mine).equals(Buffer.from(reference(header, watchId, events, fragment)))).toBe(true);
    });
  }

  it('encode a different header for another revision, even right after one was cached', () => {
    const first = encodeEventsResponse(header, 1, [{ type: EventType.Put, kv: put }], false);
    const next = encodeEventsResponse({ ...header, revision: 10 }, 1, [{ type: EventType.Put, kv: put }], false);
    expect((decoded(first).header as { revision: string }).revision).toBe('9');
    expect((decoded(next).header as { revision: string }).revision).toBe('10');
  });
});
