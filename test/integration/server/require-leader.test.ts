// Streams and calls made with `hasleader: true` metadata (kube-apiserver's etcd client sets it on every
// watch, etcd's client on its lease keep-alive stream), on etcd and on Barge, frame by frame over raw
// HTTP/2: a Watch and a LeaseKeepAlive stream live on while the member has a leader, end with UNAVAILABLE
// "etcdserver: no leader" once it has been without one for three election timeouts (etcd's
// maxNoLeaderCnt), and are then reset with NO_ERROR, since the client never ended its own side; a new
// stream on the leaderless member is refused at once, and so is a unary call. The reset matters: a client
// that waits for both sides of a stream to close before it reports the end (Node's HTTP/2 client does)
// would otherwise wait for ever, its watch silent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDefinition } from '../../../src/wire/proto.js';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { END_STREAM, FrameType, grpcMessage, RawGrpcConnection, type Frame } from '../../support/raw-grpc.js';
import { until } from '../../support/wait.js';

const WATCH = '/etcdserverpb.Watch/Watch';
const W = serviceDefinition('etcdserverpb.Watch')['Watch']!;
const RANGE = '/etcdserverpb.KV/Range';
const KEEP_ALIVE = '/etcdserverpb.Lease/LeaseKeepAlive';
const KV_RANGE = serviceDefinition('etcdserverpb.KV')['Range']!;
const ELECTION_TIMEOUT_MS = 1000;
const NO_ERROR = 0;

const create = (key: string): Buffer => grpcMessage(W.requestSerialize({ create_request: { key: Buffer.from(key) } }));
const portOf = (url: string): number => Number(new URL(url).port);
/** The header block that ended the stream, as sent (grpc-message included: grpc-go leaves its spaces as they are). */
function trailersOf(frames: Frame[]): Record<string, string> {
  return Object.fromEntries(frames.filter((f) => f.type === FrameType.Headers && (f.flags & END_STREAM) !== 0).flatMap((f) => f.headers ?? []));
}

describe.each<Implementation>(['etcd', 'barge'])('calls that require a leader, on %s', (implementation) => {
  let cluster: ProcessCluster;
  let raw: RawGrpcConnection;

  beforeAll(async () => {
    cluster = await ProcessCluster.start(3, implementation, ['--heartbeat-interval=100', `--election-timeout=${ELECTION_TIMEOUT_MS}`]);
    raw = await RawGrpcConnection.open(portOf(cluster.members[0]!.clientUrl));
  }, 90_000);

  afterAll(async () => {
    raw?.close();
    await cluster?.stop();
  });

  it('ends with "no leader" and a NO_ERROR reset once the member has had no leader for three election timeouts (a keep-alive stream too); a new one is refused at once, and a unary call', async () => {
    raw.headers(1, WATCH, { hasleader: 'true' });
    raw.data(1, create('k'), false);
    await until('the watch to be created', () => raw.streamFrames(1).some((f) => f.type === FrameType.Data), { timeoutMs: 20_000 });
    // etcd's client opens its lease keep-alive stream so too.
    raw.headers(3, KEEP_ALIVE, { hasleader: 'true' });
    await raw.ping();

    const [, second, third] = cluster.members;
    await Promise.all([cluster.kill(second!), cluster.kill(third!)]);
    const killedAt = performance.now();
    await until('the stream to be reset', () => raw.streamFrames(1).some((f) => f.type === FrameType.RstStream), { timeoutMs: 30_000 });
    const endedAfterMs = performance.now() - killedAt;

    const frames = raw.streamFrames(1);
    expect(trailersOf(frames)).toMatchObject({ 'grpc-status': '14', 'grpc-message': 'etcdserver: no leader' });
    const last = frames.at(-1)!;
    expect([last.type, last.payload.readUInt32BE(0)]).toEqual([FrameType.RstStream, NO_ERROR]);
    expect(frames.at(-2)!.flags & END_STREAM).toBe(END_STREAM);
    // At least: an election timeout to find the leader gone, then two more checks that find none.
    expect(endedAfterMs).toBeGreaterThan(2.5 * ELECTION_TIMEOUT_MS);
    const keepAlive = await raw.answer(3);
    expect(trailersOf(keepAlive)).toMatchObject({ 'grpc-status': '14', 'grpc-message': 'etcdserver: no leader' });
    expect(keepAlive.at(-1)!.type).toBe(FrameType.RstStream);

    raw.headers(5, WATCH, { hasleader: 'true' });
    const refused = await raw.answer(5);
    expect(trailersOf(refused)).toMatchObject({ 'grpc-status': '14', 'grpc-message': 'etcdserver: no leader' });
    expect(refused.some((f) => f.type === FrameType.Data)).toBe(false);

    // A unary call with the same metadata (clientv3.WithRequireLeader) is refused too, even a serializable
    // read, which the member could answer alone.
    raw.headers(7, RANGE, { hasleader: 'true' });
    raw.data(7, grpcMessage(KV_RANGE.requestSerialize({ key: Buffer.from('k'), serializable: true })), true);
    expect(trailersOf(await raw.answer(7))).toMatchObject({ 'grpc-status': '14', 'grpc-message': 'etcdserver: no leader' });
  }, 90_000);
});
