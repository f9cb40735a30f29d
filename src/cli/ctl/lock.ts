// lock: holds a named lock (etcdctl's `lock <lockname> [exec-command arg1 arg2 ...]`) until SIGINT or
// SIGTERM, printing its key; or runs a command while holding it and releases it when the command ends.

import type { Command } from 'commander';
import { int64Text } from './gofmt.js';
import { interruption, Mutex, Session, untilCancelled } from './concurrency.js';
import { ExitCode, fail } from './errors.js';
import { runCommand } from './exec.js';
import { intOption, subcommand, type Ctl } from './program.js';

export function registerLock(program: Command, ctl: Ctl): void {
  subcommand(program, 'lock', 'Acquires a named lock')
    .addOption(intOption('--ttl <n>', 'timeout for session', 10))
    .action(async (args: string[], o: { ttl: number }) => {
      if (args.length === 0) fail(ExitCode.BadArgs, 'lock takes a lock name argument and an optional command to execute');
      const client = ctl.client();
      const session = await Session.open(client, o.ttl);
      const { signal, interrupted } = interruption();
      const mutex = new Mutex(session, Buffer.from(args[0]!, 'utf8'));
      await mutex.lock(signal);

      if (args.length > 1) {
        const lockEnv = { ETCD_LOCK_KEY: mutex.key.toString('utf8'), ETCD_LOCK_REV: int64Text(mutex.header?.revision) };
        // The caller's environment wins a clash, as etcdctl's does; stdin is /dev/null, as Go's default.
        const failure = await runCommand(args.slice(1), { ...lockEnv, ...process.env }, 'ignore');
        const unlocked = mutex.unlock();
        if (failure !== undefined) {
          await unlocked.catch(() => {});
          fail(ExitCode.Error, failure);
        }
        await unlocked;
        return;
      }

      const held = await client.call('KV', 'Range', { key: mutex.key }, untilCancelled(signal));
      if ((held.kvs ?? []).length === 0) throw new Error('lock lost on init');
      ctl.display().get(held);
      const ended = await Promise.race([interrupted.then(() => 'interrupted'), session.done.then(() => 'expired')]);
      if (ended === 'expired') throw new Error('session expired');
      await mutex.unlock();
    });
}
