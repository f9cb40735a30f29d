// watch: watchers on keys, ranges or prefixes, printing each response's events as etcdctl 3.4 does until
// the server cancels the watch (exit 5) or the process is interrupted; with `-- cmd args` a command runs
// for every event; with -i, `watch …` and `progress` lines are read from stdin, every watcher sharing one
// stream. The arguments are taken apart as etcdctl's parseWatchArgs takes them, quirks included.

import { Option, type Command } from 'commander';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { prefixEnd } from '../../mvcc/keys.js';
import type * as pb from '../../wire/messages.js';
import type { EtcdClient } from './client.js';
import { CtlError, ExitCode, fail } from './errors.js';
import { runCommand } from './exec.js';
import { goQuote } from '../../shared/go-strings.js';
import { int64Text, parseGoInt } from './gofmt.js';
import { out, type Display } from './printers.js';
import { boolOption, intOption, parseBool, subcommand, type Ctl } from './program.js';
import { argify } from './txn.js';

interface WatchFlags {
  prefix: boolean;
  rev: number;
  prevKv: boolean;
}

const BAD_ARGS = 'bad number of arguments';
const CONFLICTING_ENV = 'bad number of arguments (found conflicting environment key)';
const NO_COMMAND = 'bad number of arguments (found separator --, but no commands)';

/** Why the Go client says a watch was canceled. */
export function cancelError(r: pb.WatchResponse): string {
  if (Number(r.compact_revision) !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  if (r.cancel_reason) return r.cancel_reason;
  return 'etcdserver: mvcc: required revision is a future revision';
}

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

// ---- running a command per event ------------------------------------------------------------------

/** Runs the command for one event with the event in its environment; resolves when it exits 0. */
async function runForEvent(execArgs: readonly string[], revision: string, event: pb.Event): Promise<void> {
  const env = {
    ...process.env,
    ETCD_WATCH_REVISION: revision,
    ETCD_WATCH_EVENT_TYPE: goQuote(event.type === 1 ? 'DELETE' : 'PUT'),
    ETCD_WATCH_KEY: goQuote(event.kv?.key ?? ''),
    ETCD_WATCH_VALUE: goQuote(event.kv?.value ?? ''),
  };
  // No stdin, as etcdctl's exec.Command without one: under -i the lines on stdin are the watch's, not the command's.
  const status = await runCommand(execArgs, env, 'ignore');
  if (status !== undefined) {
    throw new CtlError(ExitCode.Error, `command [${execArgs.map((a) => goQuote(a)).join(' ')}] error (${status})\n`, 'raw');
  }
}

// ---- watchers on one stream ---------------------------------------------------------------------

/** One watcher: its responses printed (and its command run) one after another. */
class Watcher {
  private chain: Promise<void> = Promise.resolve();
  private ended!: () => void;
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));

  constructor(
    private readonly display: Display,
    private readonly execArgs: readonly string[],
    private readonly failed: (err: unknown) => void,
  ) {}

  deliver(r: pb.WatchResponse): void {
    this.chain = this.chain.then(() => this.handle(r)).catch(this.failed);
  }

  end(): void {
    this.chain = this.chain.then(() => this.ended());
  }

  private async handle(r: pb.WatchResponse): Promise<void> {
    const events = r.events;
    if (r.canceled) process.stderr.write(`watch was canceled (${cancelError(r)})\n`);
    else if (events.length === 0 && Number(r.compact_revision) === 0 && int64Text(r.header?.revision) !== '0') out(`progress notify: ${int64Text(r.header?.revision)}\n`);
    this.display.watch(r);
    if (this.execArgs.length > 0) for (const e of events) await runForEvent(this.execArgs, int64Text(r.header?.revision), e);
    if (r.canceled) this.ended();
  }
}

/** The watch stream every watcher of the process shares, as the Go client shares one per context. */
class WatchStream {
  private stream: ClientDuplexStream<pb.WatchRequestInit, pb.WatchResponse> | undefined;
  private opening: Promise<ClientDuplexStream<pb.WatchRequestInit, pb.WatchResponse>> | undefined;
  private readonly creating: Watcher[] = [];
  private readonly watchers = new Map<string, Watcher>();
  private fail!: (err: unknown) => void;
  /** Rejects with the first failure of a watcher's command. */
  readonly failure = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(
    private readonly client: EtcdClient,
    private readonly display: Display,
  ) {
    this.failure.catch(() => {});
  }

  private open(): Promise<ClientDuplexStream<pb.WatchRequestInit, pb.WatchResponse>> {
    this.opening ??= this.client.bidi('Watch', 'Watch', true).then((stream) => {
      this.stream = stream;
      stream.on('data', (r: pb.WatchResponse) => this.receive(r));
      const close = () => {
        for (const w of [...this.creating, ...this.watchers.values()]) w.end();
      };
      stream.on('error', close);
      stream.on('end', close);
      return stream;
    });
    return this.opening;
  }

  private receive(r: pb.WatchResponse): void {
    const id = int64Text(r.watch_id);
    if (r.created) {
      const watcher = this.creating.shift();
      if (!watcher) return;
      if (r.canceled) watcher.deliver(r);
      else this.watchers.set(id, watcher);
      return;
    }
    if (id === '-1') {
      for (const w of this.watchers.values()) w.deliver(r);
      return;
    }
    const watcher = this.watchers.get(id);
    if (!watcher) return;
    watcher.deliver(r);
    if (r.canceled) this.watchers.delete(id);
  }

  async watch(request: pb.WatchCreateRequestInit, execArgs: readonly string[]): Promise<Watcher> {
    const watcher = new Watcher(this.display, execArgs, this.fail);
    const stream = await this.open();
    this.creating.push(watcher);
    stream.write({ create_request: request });
    return watcher;
  }

  async requestProgress(): Promise<void> {
    (await this.open()).write({ progress_request: {} });
  }

  close(): void {
    if (!this.stream) return;
    this.stream.removeAllListeners();
    this.stream.on('error', () => {});
    this.stream.cancel();
  }
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
