// One member in the test's process with two client APIs on it: `lean` (the front end serving every unary
// call, Watch and LeaseKeepAlive streams itself) and `reference` (every call through grpc-js), so that a
// test makes the same call on both, frame by frame (raw-grpc.ts), and compares what each sent back.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientApi } from '../../src/api/grpc-server.js';
import { EtcdServer } from '../../src/server/etcd-server.js';
import { singleMemberConfig } from './member-config.js';
import { freePort } from './process-cluster.js';
import { FrameType, RawGrpcConnection, type Frame } from './raw-grpc.js';
import { until } from './wait.js';

export type Side = 'lean' | 'reference';

export class TwoClientApis {
  private readonly connections: RawGrpcConnection[] = [];

  private constructor(
    readonly server: EtcdServer,
    readonly apis: Record<Side, ClientApi>,
    readonly ports: Record<Side, number>,
    private readonly dir: string,
  ) {}

  static async start(name: string): Promise<TwoClientApis> {
    const dir = mkdtempSync(join(tmpdir(), `barge-${name}-`));
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const ports = { lean: await freePort(), reference: await freePort() };
    const config = singleMemberConfig(name, join(dir, name), `http://127.0.0.1:${ports.lean}`, peerUrl, { bcryptCost: 4 });
    const server = await EtcdServer.start(config);
    const apis = { lean: new ClientApi(server), reference: new ClientApi(server, { leanCalls: false }) };
    await apis.lean.listen([`http://127.0.0.1:${ports.lean}`]);
    await apis.reference.listen([`http://127.0.0.1:${ports.reference}`]);
    await until('a leader', () => server.leaderId !== 0n, { timeoutMs: 20_000 });
    return new TwoClientApis(server, apis, ports, dir);
  }

  /** A new raw connection to one side's API, closed by stop(). */
  async open(side: Side): Promise<RawGrpcConnection> {
    const connection = await RawGrpcConnection.open(this.ports[side]);
    this.connections.push(connection);
    return connection;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.close();
    await Promise.all([this.apis.lean.close(), this.apis.reference.close()]);
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a call's frames say, comparable across the two APIs: the Date header's value is the clock's, and
 * grpc-message is compared decoded (the front end percent-encodes it as etcd's grpc-go does, grpc-js
 * encodes spaces too).
 */
export function transcript(frames: readonly Frame[]): unknown[] {
  const shown = (name: string, value: string): string => (name === 'date' ? '<date>' : name === 'grpc-message' ? decodeURIComponent(value) : value);
  return frames.map((f) => ({
    type: f.type,
    flags: f.flags,
    ...(f.headers ? { headers: f.headers.map(([name, value]) => [name, shown(name, value)]) } : { payload: f.payload.toString('hex') }),
  }));
}

/** The last header block's fields: a call's status. */
export const statusOf = (frames: readonly Frame[]): Record<string, string> => Object.fromEntries([...frames].reverse().find((f) => f.headers !== undefined)?.headers ?? []);

const isClosingReset = (frame: Frame | undefined): boolean => frame?.type === FrameType.RstStream && frame.payload.readUInt32BE(0) === 0;

/**
 * The frames up to the trailers: without the RST_STREAM NO_ERROR that follows them when the client's side
 * of the stream was still open, which etcd's grpc-go and the front end send and grpc-js (the reference
 * here) does not.
 */
export function beforeClosingReset(frames: readonly Frame[]): Frame[] {
  return isClosingReset(frames.at(-1)) ? frames.slice(0, -1) : [...frames];
}

/** Whether the stream ended with its trailers and then RST_STREAM NO_ERROR. */
export const endsWithClosingReset = (frames: readonly Frame[]): boolean => isClosingReset(frames.at(-1)) && frames.length >= 2;
