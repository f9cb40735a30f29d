// watch: one watcher on a key, a range or a prefix, printing each response's events as etcdctl does
// until the server cancels it (exit 5) or the process is interrupted.

import type { Command } from 'commander';
import type { Pb } from '../../server/convert.js';
import { ExitCode, fail, RpcError } from './errors.js';
import { prefixEnd } from './kv.js';
import { boolOption, intOption, subcommand, type Ctl } from './program.js';

/** Why the Go client says a watch was canceled. */
export function cancelError(r: Pb): string {
  if (Number(r.compact_revision) !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  if (r.cancel_reason) return new RpcError(9, r.cancel_reason).toString();
  return 'etcdserver: mvcc: required revision is a future revision';
}

export function registerWatch(program: Command, ctl: Ctl): void {
  subcommand(program, 'watch', 'Watches events stream on keys or prefixes')
    .addOption(boolOption('-i, --interactive', 'Interactive mode'))
    .addOption(boolOption('--prefix', 'Watch on a prefix if prefix is set'))
    .addOption(intOption('--rev <n>', 'Revision to start watching'))
    .addOption(boolOption('--prev-kv', 'get the previous key-value pair before the event happens'))
    .action(async (args: string[], o: { interactive: boolean; prefix: boolean; rev: number; prevKv: boolean }) => {
      const envKey = process.env.ETCDCTL_WATCH_KEY ?? '';
      const envRange = process.env.ETCDCTL_WATCH_RANGE_END ?? '';
      if (envKey === '' && envRange !== '') fail(ExitCode.BadArgs, `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END="${envRange}"`);
      if (o.interactive || process.argv.includes('--')) fail(ExitCode.BadFeature, 'interactive watch and running a command on events are not supported by bargectl yet');
      const watchArgs = envKey !== '' ? [envKey, ...(envRange !== '' ? [envRange] : [])] : args;
      if (envKey !== '' && args.length > 0) fail(ExitCode.BadArgs, 'too many arguments');
      const client = ctl.client(['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END']);
      if (watchArgs.length < 1 || watchArgs.length > 2) fail(ExitCode.BadArgs, 'bad number of arguments');
      if (watchArgs.length === 2 && o.prefix) fail(ExitCode.BadArgs, '`range_end` and `--prefix` are mutually exclusive');
      const key = Buffer.from(watchArgs[0]!, 'utf8');
      const request: Pb = { key, start_revision: o.rev };
      if (watchArgs.length === 2) request.range_end = Buffer.from(watchArgs[1]!, 'utf8');
      if (o.prefix) request.range_end = key.length === 0 ? Buffer.from([0]) : prefixEnd(key);
      if (o.prevKv) request.prev_kv = true;
      const display = ctl.display();
      const stream = await client.bidi('Watch', 'Watch', true);
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (r: Pb) => {
          try {
            if (r.created && !r.canceled) return;
            if ((r.events ?? []).length === 0 && !r.canceled) return;
            if (r.canceled) process.stderr.write(`watch was canceled (${cancelError(r)})\n`);
            display.watch(r);
            if (r.canceled) {
              stream.removeAllListeners();
              stream.on('error', () => {});
              stream.cancel();
              resolve();
            }
          } catch (err) {
            reject(err);
          }
        });
        stream.on('error', () => resolve());
        stream.on('end', () => resolve());
        stream.write({ create_request: request });
      });
      fail(ExitCode.Interrupted, 'watch is canceled by the server');
    });
}
