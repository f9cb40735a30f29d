// snapshot save, status and restore. Save streams Maintenance.Snapshot to a file; status and restore
// read etcd's snapshot format (a bbolt database and its SHA-256), from Barge or from a real etcd, and
// Barge's earlier format.

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, fail } from './errors.js';
import { humanBytes } from './gofmt.js';
import { out } from './printers.js';
import { renderTable } from './table.js';
import type { Ctl } from './program.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function registerSnapshot(program: Command, ctl: Ctl): void {
  const snapshot = program.command('snapshot').description('Manages etcd node snapshots');

  snapshot
    .command('save <filename>')
    .description('Stores an etcd node backend snapshot to a given file')
    .action(async (filename: string) => {
      const client = ctl.client();
      if (client.endpoints.length !== 1) fail(ExitCode.Error, `snapshot must be requested to one selected node, not multiple [${client.endpoints.join(' ')}]`);
      const partial = `${filename}.part`;
      const file = createWriteStream(partial, { mode: 0o600 });
      let bytes = 0;
      try {
        const stream = await client.serverStream('Maintenance', 'Snapshot', {});
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (response) => {
            bytes += response.blob.length;
            file.write(response.blob);
          });
          stream.on('error', reject);
          stream.on('end', () => file.end(resolve));
        });
        const { readSnapshotFile } = await import('../../storage/snapshot-file.js');
        await readSnapshotFile(partial);
      } catch (err) {
        await rm(partial, { force: true });
        fail(ExitCode.Error, message(err));
      }
      await rename(partial, filename);
      out(`Snapshot saved at ${filename} (${bytes} bytes)\n`);
    });

  snapshot
    .command('status <filename>')
    .description('Gets backend snapshot status of a given file')
    .action(async (filename: string) => {
      const { readSnapshotStatus } = await import('../../storage/snapshot-file.js');
      const status = await readSnapshotStatus(filename).catch((err: unknown) => fail(ExitCode.Error, message(err)));
      const { revision, totalKey, totalSize } = status;
      switch (ctl.flags.writeOut) {
        case 'json':
          out(`${JSON.stringify(status)}\n`);
          break;
        case 'table':
          out(renderTable(['hash', 'revision', 'total keys', 'total size'], [[status.hash.toString(16), `${revision}`, `${totalKey}`, humanBytes(totalSize)]]));
          break;
        case 'fields':
          out(`"Hash" : ${status.hash}\n"Revision" : ${revision}\n"Keys" : ${totalKey}\n"Size" : ${totalSize}\n`);
          break;
        default:
          out(`${status.hash.toString(16)}, ${revision}, ${totalKey}, ${humanBytes(totalSize)}\n`);
      }
    });

  snapshot
    .command('restore <filename>')
    .description('Restores an etcd member snapshot to an etcd directory')
    .option('--data-dir <path>', 'path to the data directory')
    .option('--wal-dir <path>', 'path to the WAL directory (use --data-dir if none given)')
    .option('--name <name>', 'human-readable name for this member', 'default')
    .option('--initial-cluster <list>', 'initial cluster configuration for restore bootstrap')
    .option('--initial-cluster-token <token>', 'initial cluster token for the etcd cluster during restore bootstrap', 'etcd-cluster')
    .option('--initial-advertise-peer-urls <list>', "list of this member's peer URLs to advertise to the rest of the cluster", 'http://localhost:2380')
    .action(async (filename: string, options: { dataDir?: string; walDir?: string; name: string; initialCluster?: string; initialClusterToken: string; initialAdvertisePeerUrls: string }) => {
      const [{ parseInitialCluster }, { restoreSnapshot }] = await Promise.all([import('../flags.js'), import('../../server/data-dir-from-snapshot.js')]);
      const initialCluster = parseInitialCluster(options.initialCluster ?? `${options.name}=${options.initialAdvertisePeerUrls}`);
      const dataDir = options.dataDir ?? `${options.name}.etcd`;
      try {
        const { memberId, clusterId } = await restoreSnapshot(filename, {
          dataDir,
          ...(options.walDir ? { walDir: options.walDir } : {}),
          name: options.name,
          initialCluster,
          initialClusterToken: options.initialClusterToken,
        });
        out(`restored snapshot to ${dataDir} (member ${memberId.toString(16)}, cluster ${clusterId.toString(16)})\n`);
      } catch (err) {
        fail(ExitCode.Error, message(err));
      }
    });
}
