// lock: holds a named lock (etcdctl's `lock <lockname> [exec-command arg1 arg2 ...]`) until SIGINT or
// SIGTERM, printing its key; or runs a command while holding it and releases it when the command ends.

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { int64Text, goQuote } from './gofmt.js';
import { interruption, Mutex, Session } from './concurrency.js';
import { ExitCode, fail } from './errors.js';
import { intOption, subcommand, type Ctl } from './program.js';

/** Go's exec.LookPath: the first executable regular file of that name along $PATH. */
function lookPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir === '' ? '.' : dir, name);
    try {
      const stat = statSync(path);
      if (!stat.isDirectory() && (stat.mode & 0o111) !== 0) return path;
    } catch {
      // not here
    }
  }
  throw new Error(`exec: ${goQuote(name)}: executable file not found in $PATH`);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  ENOTDIR: 'not a directory',
  E2BIG: 'argument list too long',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

// What Go's os.Signal String() says for the signals a command usually dies of.
const SIGNAL_TEXT: Record<string, string> = {
  SIGHUP: 'hangup', SIGINT: 'interrupt', SIGQUIT: 'quit', SIGILL: 'illegal instruction', SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted', SIGBUS: 'bus error', SIGFPE: 'floating point exception', SIGKILL: 'killed', SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault', SIGUSR2: 'user defined signal 2', SIGPIPE: 'broken pipe', SIGALRM: 'alarm clock', SIGTERM: 'terminated',
};

/**
 * Runs a command as Go's exec.Cmd.Run with etcdctl's settings: stdin from /dev/null, stdout and stderr
 * shared, `extraEnv` before the environment (which wins a clash). Resolves with Go's error text, or
 * undefined when the command exits 0.
 */
function runCommand(argv: readonly string[], extraEnv: Record<string, string>): Promise<string | undefined> {
  const [name, ...args] = argv as [string, ...string[]];
  let file: string;
  try {
    file = name.includes('/') ? name : lookPath(name);
  } catch (err) {
    return Promise.resolve((err as Error).message);
  }
  return new Promise((resolve) => {
    const child = spawn(file, args, { argv0: name, env: { ...extraEnv, ...process.env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err: NodeJS.ErrnoException) => resolve(`fork/exec ${file}: ${ERRNO_TEXT[err.code ?? ''] ?? err.message}`));
    child.on('exit', (code, signal) => {
      if (signal) resolve(`signal: ${SIGNAL_TEXT[signal] ?? signal}`);
      else resolve(code === 0 ? undefined : `exit status ${code}`);
    });
  });
}

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
        const env = { ETCD_LOCK_KEY: mutex.key.toString('utf8'), ETCD_LOCK_REV: int64Text(mutex.header?.revision) };
        const failure = await runCommand(args.slice(1), env);
        const unlocked = mutex.unlock();
        if (failure !== undefined) {
          await unlocked.catch(() => {});
          fail(ExitCode.Error, failure);
        }
        await unlocked;
        return;
      }

      const held = await client.call('KV', 'Range', { key: mutex.key }, { noDeadline: true, deadline: Infinity, signal });
      if ((held.kvs ?? []).length === 0) throw new Error('lock lost on init');
      ctl.display().get(held);
      const ended = await Promise.race([interrupted.then(() => 'interrupted'), session.done.then(() => 'expired')]);
      if (ended === 'expired') throw new Error('session expired');
      await mutex.unlock();
    });
}
