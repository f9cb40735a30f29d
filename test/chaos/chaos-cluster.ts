// Members for chaos runs: real `barge` processes on loopback, each with its own address (127.0.0.(10+i)
// for its listeners, from which it also dials peers) and a proxy in front of its peer port at
// 127.0.0.(20+i) that every other member reaches it through. The proxy knows who connects by the
// source address, so it can cut or slow any one direction of any link.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memberFlags } from '../../src/cli/flags.js';
import { BARGE_BIN, freePort } from '../support/process-cluster.js';

export interface ChaosMember {
  readonly index: number;
  readonly name: string;
  readonly host: string;
  readonly clientUrl: string;
  readonly endpoint: string;
  readonly peerUrl: string;
  readonly advertisedPeerUrl: string;
  readonly dataDir: string;
  process?: ChildProcess;
  /** 'existing' once the member was removed and added back: it then joins the running cluster. */
  clusterState: 'new' | 'existing';
  paused: boolean;
  log: string;
}

/** One member's peer-port proxy: forwards connections unless the link from their source is cut. */
class PeerProxy {
  private server?: Server;
  private readonly open = new Set<{ from: number; client: Socket; upstream: Socket }>();

  constructor(
    private readonly to: ChaosMember,
    private readonly network: ChaosNetwork,
  ) {}

  async listen(): Promise<void> {
    const advertised = new URL(this.to.advertisedPeerUrl);
    const target = new URL(this.to.peerUrl);
    this.server = createServer((client) => {
      // Anyone else (a joining member asking for the member list) passes unhindered.
      const from = this.network.memberAt(client.remoteAddress ?? '') ?? -1;
      if (this.network.isCut(from, this.to.index)) {
        client.destroy();
        return;
      }
      const upstream = connect({ host: target.hostname, port: Number(target.port) });
      const link = { from, client, upstream };
      this.open.add(link);
      const relay = (source: Socket, sink: Socket, delayed: boolean) => {
        source.on('data', (chunk: Buffer) => {
          const delay = delayed ? this.network.delayOf(from, this.to.index) : this.network.delayOf(this.to.index, from);
          if (delay === 0) sink.write(chunk);
          else setTimeout(() => sink.writable && sink.write(chunk), delay);
        });
      };
      relay(client, upstream, true);
      relay(upstream, client, false);
      const close = () => {
        this.open.delete(link);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(Number(advertised.port), advertised.hostname, resolve));
  }

  /** Drops established connections over links that are now cut. */
  enforce(): void {
    for (const link of this.open) {
      if (this.network.isCut(link.from, this.to.index)) {
        link.client.destroy();
        link.upstream.destroy();
      }
    }
  }

  close(): void {
    for (const link of this.open) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.server?.close();
  }
}

/** Which directed links are cut or slowed. */
export class ChaosNetwork {
  private readonly cut = new Set<string>();
  private readonly delays = new Map<string, number>();
  private readonly proxies: PeerProxy[] = [];

  constructor(private readonly members: readonly ChaosMember[]) {}

  memberAt(address: string): number | undefined {
    const plain = address.replace(/^::ffff:/, '');
    return this.members.find((m) => m.host === plain)?.index;
  }

  isCut(from: number, to: number): boolean {
    return this.cut.has(`${from}>${to}`);
  }

  delayOf(from: number, to: number): number {
    return this.delays.get(`${from}>${to}`) ?? 0;
  }

  async start(): Promise<void> {
    for (const member of this.members) {
      const proxy = new PeerProxy(member, this);
      await proxy.listen();
      this.proxies.push(proxy);
    }
  }

  /** Cuts every link between the two groups, both ways. */
  partition(side: readonly number[], other: readonly number[]): void {
    for (const a of side) {
      for (const b of other) {
        this.cut.add(`${a}>${b}`);
        this.cut.add(`${b}>${a}`);
      }
    }
    for (const proxy of this.proxies) proxy.enforce();
  }

  /** Delays everything between two members by `ms` each way. */
  slow(a: number, b: number, ms: number): void {
    this.delays.set(`${a}>${b}`, ms);
    this.delays.set(`${b}>${a}`, ms);
  }

  heal(): void {
    this.cut.clear();
    this.delays.clear();
  }

  close(): void {
    for (const proxy of this.proxies) proxy.close();
  }
}

export class ChaosCluster {
  readonly dir: string;
  readonly network: ChaosNetwork;

  private constructor(
    readonly members: ChaosMember[],
    private readonly flags: readonly string[],
  ) {
    this.dir = members[0]!.dataDir.replace(/\/[^/]+$/, '');
    this.network = new ChaosNetwork(members);
  }

  static async start(size: number, flags: readonly string[] = []): Promise<ChaosCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'barge-chaos-'));
    const members: ChaosMember[] = [];
    for (let i = 0; i < size; i++) {
      const host = `127.0.0.${10 + i}`;
      const clientPort = await freePort();
      members.push({
        index: i,
        name: `c${i}`,
        host,
        clientUrl: `http://${host}:${clientPort}`,
        endpoint: `${host}:${clientPort}`,
        peerUrl: `http://${host}:${await freePort()}`,
        advertisedPeerUrl: `http://127.0.0.${20 + i}:${await freePort()}`,
        dataDir: join(dir, `c${i}`),
        clusterState: 'new',
        paused: false,
        log: '',
      });
    }
    const cluster = new ChaosCluster(members, flags);
    await cluster.network.start();
    for (const member of members) cluster.spawn(member);
    return cluster;
  }

  spawn(member: ChaosMember): void {
    const child = spawn(process.execPath, [BARGE_BIN, ...memberFlags(member, this.members, 'chaos', member.clusterState), ...this.flags], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      member.log += chunk.toString();
      if (member.log.length > 4_000_000) member.log = member.log.slice(-2_000_000);
    });
    child.on('exit', (code, signal) => (member.log += `--- exited (${signal ?? `code ${code}`})\n`));
    member.log += `--- started pid ${child.pid} (${member.clusterState})\n`;
    member.process = child;
    member.paused = false;
  }

  isRunning(member: ChaosMember): boolean {
    const child = member.process;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async kill(member: ChaosMember): Promise<void> {
    if (!this.isRunning(member)) return;
    const exited = new Promise((resolve) => member.process!.once('exit', resolve));
    if (member.paused) member.process!.kill('SIGCONT');
    member.process!.kill('SIGKILL');
    await exited;
    member.paused = false;
  }

  /** Kills the member and deletes its data: it can only come back as a new member. */
  async wipe(member: ChaosMember): Promise<void> {
    await this.kill(member);
    rmSync(member.dataDir, { recursive: true, force: true });
    member.clusterState = 'existing';
  }

  pause(member: ChaosMember): void {
    if (!this.isRunning(member) || member.paused) return;
    member.process!.kill('SIGSTOP');
    member.paused = true;
  }

  resume(member: ChaosMember): void {
    if (!this.isRunning(member) || !member.paused) return;
    member.process!.kill('SIGCONT');
    member.paused = false;
  }

  async stop(keepData = false): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m)));
    this.network.close();
    if (!keepData) rmSync(this.dir, { recursive: true, force: true });
  }
}
