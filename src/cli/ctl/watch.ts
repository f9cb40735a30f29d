// watch: watchers on keys, ranges or prefixes, printing each response's events as etcdctl 3.4 does until
// the server cancels the watch (exit 5) or the process is interrupted; with `-- cmd args` a command runs
// for every event; with -i, `watch …` and `progress` lines are read from stdin, every watcher sharing one
// stream. The arguments are taken apart as etcdctl's parseWatchArgs takes them, quirks included.

import { Option, type Command } from 'commander';
import { prefixEnd } from '../../mvcc/keys.js';
import type * as pb from '../../wire/messages.js';
import { ExitCode, fail } from './errors.js';
import { goQuote } from '../../shared/go-strings.js';
import { parseGoInt } from './gofmt.js';
import { boolOption, intOption, parseBool, subcommand, type Ctl } from './program.js';
import { argify } from './txn.js';
import { WatchStream } from './watch-stream.js';

interface WatchFlags {
  prefix: boolean;
  rev: number;
  prevKv: boolean;
}

const BAD_ARGS = 'bad number of arguments';
const CONFLICTING_ENV = 'bad number of arguments (found conflicting environment key)';
const NO_COMMAND = 'bad number of arguments (found separator --, but no commands)';

/** The key and range of [key, range_end?] (more arguments are ignored, as etcdctl ignores them). */
function watchRequest(args: readonly string[], flags: WatchFlags): pb.WatchCreateRequestInit {
  if (args.length < 1) throw new Error(BAD_ARGS);
  if (args.length >= 2 && flags.prefix) throw new Error('`range_end` and `--prefix` are mutually exclusive');
  const key = Buffer.from(args[0]!, 'utf8');
  const request: pb.WatchCreateRequestInit = { key, start_revision: flags.rev };
  if (args.length >= 2) request.range_end = Buffer.from(args[1]!, 'utf8');
  if (flags.prefix) request.range_end = key.length === 0 ? Buffer.from([0]) : prefixEnd(key);
  if (flags.prevKv) request.prev_kv = true;
  return request;
}

/** The key arguments minus what follows the first `--`, as etcdctl cuts them. */
function withoutExec(watchArgs: string[], execArgs: readonly string[]): string[] {
  let end = watchArgs.length - 1;
  while (end >= 0 && watchArgs[end] !== execArgs[0]) end--;
  return watchArgs.slice(0, Math.max(end, 0));
}

/**
 * The key arguments (after ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END when set) and the command after
 * the `--` at `sep` in `line`, if there is one: the last step of parseWatchArgs in both of its forms.
 */
function splitExec(line: readonly string[], sep: number, args: readonly string[], envKey: string, envRange: string): [string[], string[]] {
  const watchArgs = envKey !== '' ? [envKey, ...(envRange !== '' ? [envRange] : []), ...args] : [...args];
  if (sep < 0) return [watchArgs, []];
  const execArgs = line.slice(sep + 1);
  return [withoutExec(watchArgs, execArgs), execArgs];
}

/**
 * etcdctl's parseWatchArgs for a command line: `raw` is the command line after its first `watch`
 * (with any `--`), `args` the key arguments the flag parser left (without it).
 */
function parseCommandLine(raw: readonly string[], args: readonly string[], envKey: string, envRange: string): [string[], string[]] {
  const sep = raw.indexOf('--');
  if (sep >= 0 && sep === raw.length - 1) throw new Error(NO_COMMAND);
  if (sep < 0 && raw.length < 1 && envKey === '') throw new Error(BAD_ARGS);
  if (sep >= 0 && envKey !== '') {
    // A key argument besides ETCDCTL_WATCH_KEY: what precedes the command is not all flags.
    let r = raw.length - 1;
    for (let w = args.length - 1; w >= 0; w--) {
      if (args[w] === raw[r]) r--;
      else if (r === sep) throw new Error(CONFLICTING_ENV);
    }
  }
  if (sep < 0 && args.length > 0 && envKey !== '') throw new Error(CONFLICTING_ENV);
  return splitExec(raw, sep, args, envKey, envRange);
}

// ---- an interactive line's flags, parsed as pflag parses them ------------------------------------

const LINE_FLAGS: Record<string, 'interactive' | 'prefix' | 'rev' | 'prevKv'> = { interactive: 'interactive', prefix: 'prefix', rev: 'rev', 'prev-kv': 'prevKv' };

function parseLineFlags(args: readonly string[]): [WatchFlags, string[]] {
  const flags = { interactive: false, prefix: false, rev: 0, prevKv: false };
  const rest: string[] = [];
  const setBool = (name: 'interactive' | 'prefix' | 'prevKv', value: string | undefined, label: string) => {
    flags[name] = value === undefined ? true : parseBool(value, label);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      let value = eq < 0 ? undefined : arg.slice(eq + 1);
      const field = LINE_FLAGS[name];
      if (!field) throw new Error(name === 'help' ? 'pflag: help requested' : `unknown flag: --${name}`);
      const label = name === 'interactive' ? '-i, --interactive' : `--${name}`;
      if (field !== 'rev') {
        setBool(field, value, label);
        continue;
      }
      if (value === undefined) {
        if (i + 1 >= args.length) throw new Error(`flag needs an argument: --${name}`);
        value = args[++i]!;
      }
      try {
        flags.rev = Number(parseGoInt(value, 0, 64));
      } catch (err) {
        throw new Error(`invalid argument ${goQuote(value)} for "--rev" flag: ${(err as Error).message}`);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let k = 1; k < arg.length; k++) {
        const c = arg[k]!;
        if (c === 'h') throw new Error('pflag: help requested');
        if (c !== 'i') throw new Error(`unknown shorthand flag: '${c}' in ${arg}`);
        if (arg[k + 1] === '=') {
          setBool('interactive', arg.slice(k + 2), '-i, --interactive');
          break;
        }
        flags.interactive = true;
      }
    } else rest.push(arg);
  }
  return [flags, rest];
}

/** etcdctl's parseWatchArgs for a `watch …` line of interactive mode (`line` without the `watch`). */
function parseLine(line: readonly string[], envKey: string, envRange: string): [string[], string[], WatchFlags] {
  const sep = line.indexOf('--');
  if (sep >= 0 && sep === line.length - 1) throw new Error(NO_COMMAND);
  const [flags, rest] = parseLineFlags(line);
  if (sep < 0 && envKey === '' && rest.length < 1) throw new Error(BAD_ARGS);
  if (sep < 0 && rest.length > 0 && envKey !== '') throw new Error(CONFLICTING_ENV);
  const [watchArgs, execArgs] = splitExec(line, sep, rest, envKey, envRange);
  return [watchArgs, execArgs, flags];
}

/** stdin's lines as they arrive; the end of stdin (or a last line without a newline) ends the command. */
async function* stdinLines(): AsyncGenerator<string> {
  let buffered = Buffer.alloc(0);
  for await (const chunk of process.stdin) {
    buffered = Buffer.concat([buffered, chunk as Buffer]);
    for (let nl = buffered.indexOf(0x0a); nl >= 0; nl = buffered.indexOf(0x0a)) {
      yield buffered.subarray(0, nl).toString('utf8');
      buffered = buffered.subarray(nl + 1);
    }
  }
  fail(ExitCode.InvalidInput, 'Error reading watch request line: EOF');
}

async function interactive(ctl: Ctl, envKey: string, envRange: string): Promise<never> {
  const client = ctl.client(['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END']);
  await client.connect();
  const watches = new WatchStream(client, ctl.display());
  const loop = async (): Promise<never> => {
    for await (const line of stdinLines()) {
      const args = argify(line);
      if (args.length < 1) {
        process.stderr.write(`Invalid command: ${line} (watch and progress supported)\n`);
        continue;
      }
      if (args[0] === 'progress') {
        await watches.requestProgress();
        continue;
      }
      if (args[0] !== 'watch') {
        process.stderr.write(`Invalid command ${line} (only support watch)\n`);
        continue;
      }
      if (args.length < 2 && envKey === '') {
        process.stderr.write(`Invalid command ${line} (command type or key is not provided)\n`);
        continue;
      }
      let parsed: [string[], string[], WatchFlags];
      try {
        parsed = parseLine(args.slice(1), envKey, envRange);
      } catch (err) {
        return fail(ExitCode.BadArgs, (err as Error).message);
      }
      const [watchArgs, execArgs, flags] = parsed;
      let request: pb.WatchCreateRequestInit;
      try {
        request = watchRequest(watchArgs, flags);
      } catch (err) {
        process.stderr.write(`Invalid command ${line} (${(err as Error).message})\n`);
        continue;
      }
      await watches.watch(request, execArgs);
    }
    throw new Error('unreachable');
  };
  try {
    return await Promise.race([loop(), watches.failure]);
  } finally {
    watches.close();
  }
}

export function registerWatch(program: Command, ctl: Ctl): void {
  subcommand(program, 'watch', 'Watches events stream on keys or prefixes')
    .addOption(boolOption('-i, --interactive', 'Interactive mode'))
    .addOption(new Option('--no-interactive').hideHelp())
    .addOption(boolOption('--prefix', 'Watch on a prefix if prefix is set'))
    .addOption(intOption('--rev <n>', 'Revision to start watching'))
    .addOption(boolOption('--prev-kv', 'get the previous key-value pair before the event happens'))
    .action(async (args: string[], o: WatchFlags & { interactive: boolean }) => {
      const envKey = process.env.ETCDCTL_WATCH_KEY ?? '';
      const envRange = process.env.ETCDCTL_WATCH_RANGE_END ?? '';
      if (envKey === '' && envRange !== '') fail(ExitCode.BadArgs, `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(envRange)}`);
      if (o.interactive) await interactive(ctl, envKey, envRange);
      const argv = process.argv.slice(2);
      let parsed: [string[], string[]];
      try {
        parsed = parseCommandLine(argv.slice(argv.indexOf('watch') + 1), args, envKey, envRange);
      } catch (err) {
        return fail(ExitCode.BadArgs, (err as Error).message);
      }
      const [watchArgs, execArgs] = parsed;
      const client = ctl.client(['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END']);
      await client.connect();
      let request: pb.WatchCreateRequestInit;
      try {
        request = watchRequest(watchArgs, o);
      } catch (err) {
        return fail(ExitCode.BadArgs, (err as Error).message);
      }
      const watches = new WatchStream(client, ctl.display());
      try {
        const watcher = await watches.watch(request, execArgs);
        await Promise.race([watcher.done, watches.failure]);
      } finally {
        watches.close();
      }
      fail(ExitCode.Interrupted, 'watch is canceled by the server');
    });
}
