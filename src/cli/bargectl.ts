// `bargectl`: an etcdctl-style client. So far: snapshot save, restore and status, which etcdctl cannot do
// for Barge (its restore and status read etcd's own database format).

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { Command } from 'commander';
import { parseInitialCluster } from './flags.js';
import { toNumber, type Pb } from '../server/convert.js';
import { serviceDefinition } from '../server/proto.js';
import { restoreSnapshot } from '../server/restore.js';
import { readSnapshotFile } from '../storage/snapshot-file.js';
import { Bucket } from '../storage/backend.js';
import { crc32 } from '../storage/crc32.js';

const MaintenanceClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Maintenance'), 'Maintenance');

function fail(message: string): never {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

const program = new Command('bargectl')
  .description('A command line client for Barge and etcd')
  .option('--endpoints <list>', 'gRPC endpoints', '127.0.0.1:2379')
  .option('--dial-timeout <duration>', 'dial timeout for client connections', '2s')
  .option('--command-timeout <duration>', 'timeout for short running command (excluding dial timeout)', '5s')
  .option('-w, --write-out <format>', 'set the output format (simple, json, table, fields)', 'simple')
  .showHelpAfterError();

const snapshot = program.command('snapshot').description('Manages snapshots');

snapshot
  .command('save <filename>')
  .description('Stores a snapshot of one member to a file')
  .action(async (filename: string) => {
    const endpoints = (program.opts<{ endpoints: string }>().endpoints ?? '').split(',').filter((e) => e.length > 0);
    if (endpoints.length !== 1) fail(`snapshot must be requested to one selected node, not multiple [${endpoints.join(' ')}]`);
    const endpoint = endpoints[0]!.replace(/^https?:\/\//, '');
    const client = new MaintenanceClient(endpoint, grpc.credentials.createInsecure()) as unknown as Record<string, (request: Pb) => grpc.ClientReadableStream<Pb>> & { close(): void };
    const partial = `${filename}.part`;
    const out = createWriteStream(partial, { mode: 0o600 });
    const stream = client.Snapshot({});
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (response: Pb) => {
        bytes += response.blob.length;
        out.write(response.blob);
      });
      stream.on('error', reject);
      stream.on('end', () => out.end(resolve));
    }).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      fail(err instanceof Error ? err.message : String(err));
    });
    client.close();
    await readSnapshotFile(partial).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      fail(err instanceof Error ? err.message : String(err));
    });
    await rename(partial, filename);
    process.stdout.write(`Snapshot saved at ${filename} (${bytes} bytes)\n`);
  });

snapshot
  .command('status <filename>')
  .description('Gets backend snapshot status of a given file')
  .action(async (filename: string) => {
    const records = await readSnapshotFile(filename).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
    let hash = 0;
    let revision = 0;
    const keys = new Set<string>();
    let size = 0;
    for (const [key, value] of records) {
      hash = crc32(value, crc32(key, hash));
      size += key.length + value.length;
      if (key[0] !== Bucket.Keyspace) continue;
      const record = Buffer.from(value);
      revision = Math.max(revision, toNumber(Buffer.from(key).readBigUInt64BE(1).toString()));
      const keyLength = record.readUInt32BE(25);
      keys.add(record.toString('latin1', 29, 29 + keyLength));
    }
    const format = program.opts<{ writeOut: string }>().writeOut;
    if (format === 'json') process.stdout.write(`${JSON.stringify({ hash: hash >>> 0, revision, totalKey: keys.size, totalSize: size })}\n`);
    else process.stdout.write(`${(hash >>> 0).toString(16)}, ${revision}, ${keys.size}, ${size} B\n`);
  });

snapshot
  .command('restore <filename>')
  .description('Restores a member data directory from a snapshot file')
  .option('--data-dir <path>', 'path to the data directory')
  .option('--name <name>', 'human-readable name for this member', 'default')
  .option('--initial-cluster <list>', 'initial cluster configuration for restore bootstrap')
  .option('--initial-cluster-token <token>', 'initial cluster token for the cluster during restore bootstrap', 'etcd-cluster')
  .option('--initial-advertise-peer-urls <list>', 'list of this member\'s peer URLs to advertise', 'http://localhost:2380')
  .action(async (filename: string, options: { dataDir?: string; name: string; initialCluster?: string; initialClusterToken: string; initialAdvertisePeerUrls: string }) => {
    const initialCluster = parseInitialCluster(options.initialCluster ?? `${options.name}=${options.initialAdvertisePeerUrls}`);
    const dataDir = options.dataDir ?? `${options.name}.etcd`;
    try {
      const { memberId, clusterId } = await restoreSnapshot(filename, {
        dataDir,
        name: options.name,
        initialCluster,
        initialClusterToken: options.initialClusterToken,
      });
      process.stdout.write(`restored snapshot to ${dataDir} (member ${memberId.toString(16)}, cluster ${clusterId.toString(16)})\n`);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  });

await program.parseAsync();
