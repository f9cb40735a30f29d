// bargectl's command tree on commander, with etcdctl's flag conventions: global flags anywhere, Go
// durations, `--flag=false` booleans, ETCDCTL_* environment variables, and etcdctl's error texts and
// exit codes for bad flags, unknown commands and failed commands.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { clientAuth } from './password-input.js';
import { EtcdClient, type ClientConfig, type ClientTls } from './client.js';
import { capnslog, CtlError, ExitCode, fail, RpcError } from './errors.js';
import { goQuote } from '../../shared/go-strings.js';
import { parseGoDuration } from '../../shared/go-time.js';
import { parseGoInt } from './gofmt.js';
import type { Display } from './printers.js';
import { newDisplay } from './printers-by-format.js';

export interface GlobalFlags {
  endpoints: string[];
  dialTimeout: number;
  commandTimeout: number;
  keepaliveTime: number;
  keepaliveTimeout: number;
  writeOut: string;
  hex: boolean;
  cacert: string;
  cert: string;
  key: string;
  insecureSkipTlsVerify: boolean;
  user: string;
  password: string;
}

/**
 * TLS for every endpoint when any of --cacert/--cert/--key/--insecure-skip-tls-verify is given (as
 * etcdctl, with --insecure-skip-tls-verify standing in for its --insecure-transport=false); otherwise
 * none, but https:// endpoints are still dialled over TLS.
 */
function clientTls(flags: GlobalFlags): ClientTls | undefined {
  if (flags.cacert === '' && flags.cert === '' && flags.key === '' && !flags.insecureSkipTlsVerify) return undefined;
  if ((flags.cert === '') !== (flags.key === '')) fail(ExitCode.BadArgs, flags.cert === '' ? 'KeyFile and CertFile must both be present[key: ' + flags.key + ', cert: ]' : 'KeyFile and CertFile must both be present[key: , cert: ' + flags.cert + ']');
  const read = (path: string): Buffer | undefined => {
    if (path === '') return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return fail(ExitCode.BadArgs, `open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
    }
  };
  return { ca: read(flags.cacert), cert: read(flags.cert), key: read(flags.key), skipVerify: flags.insecureSkipTlsVerify };
}

/** What a command needs from the process: its client and its printer, built as etcdctl builds them. */
export class Ctl {
  private clientInstance: EtcdClient | undefined;
  private displayInstance: Display | undefined;
  private envApplied = false;

  constructor(readonly program: Command) {}

  /** ETCDCTL_<FLAG> variables fill global flags not given on the command line; a clash is fatal. */
  private applyEnv(extraKeys: readonly string[] = []): void {
    if (this.envApplied) return;
    this.envApplied = true;
    const used = new Set<string>(extraKeys);
    const alreadySet = new Set<string>();
    for (const option of this.program.options) {
      const name = option.long!.slice(2);
      const key = `ETCDCTL_${name.toUpperCase().replace(/-/g, '_')}`;
      const attribute = option.attributeName();
      if (this.program.getOptionValueSource(attribute) === 'cli') {
        alreadySet.add(key);
        continue;
      }
      const value = process.env[key];
      if (value === undefined || value === '') continue;
      used.add(key);
      const parsed = option.parseArg ? option.parseArg(value, option.defaultValue) : value;
      this.program.setOptionValueWithSource(attribute, option.isBoolean() ? parseBool(value, `--${name}`) : parsed, 'env');
    }
    for (const [key, value] of Object.entries(process.env)) {
      if (used.has(key) || key === 'ETCDCTL_API') continue;
      if (alreadySet.has(key)) {
        capnslog('C', `conflicting environment variable ${goQuote(key)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`);
        throw new CtlError(ExitCode.Error, '', 'silent');
      }
      if (key.startsWith('ETCDCTL_')) capnslog('W', `unrecognized environment variable ${key}=${value}`);
    }
  }

  get flags(): GlobalFlags {
    return this.program.opts<GlobalFlags>();
  }

  clientConfig(extraEnvKeys: readonly string[] = []): ClientConfig {
    this.applyEnv(extraEnvKeys);
    const flags = this.flags;
    const auth = clientAuth(flags.user, flags.password);
    this.displayInstance = this.display();
    const tls = clientTls(flags);
    return {
      endpoints: flags.endpoints,
      dialTimeoutMs: flags.dialTimeout,
      commandTimeoutMs: flags.commandTimeout,
      keepalive: { timeMs: flags.keepaliveTime, timeoutMs: flags.keepaliveTimeout },
      ...(tls ? { tls } : {}),
      ...(auth ? { auth } : {}),
    };
  }

  /** etcdctl's mustClientFromCmd: environment, printer, then the client. */
  client(extraEnvKeys: readonly string[] = []): EtcdClient {
    if (!this.clientInstance) this.clientInstance = new EtcdClient(this.clientConfig(extraEnvKeys));
    return this.clientInstance;
  }

  display(): Display {
    if (!this.displayInstance) {
      const flags = this.flags;
      this.displayInstance = newDisplay(flags.writeOut, flags.hex) ?? fail(ExitCode.BadFeature, 'unsupported output format');
    }
    return this.displayInstance;
  }

  /** A deadline --command-timeout from now (etcdctl's commandCtx). */
  deadline(): number {
    return Date.now() + this.flags.commandTimeout;
  }

  close(): void {
    this.clientInstance?.close();
  }
}

// ---- flag values ------------------------------------------------------------------------------

/** A flag value error in pflag's words. */
class FlagValueError extends InvalidArgumentError {}

export function parseBool(value: string, flag: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new FlagValueError(`invalid argument ${goQuote(value)} for ${goQuote(flag)} flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`);
}

function flagLabel(option: Option): string {
  return option.short ? `${option.short}, ${option.long}` : option.long!;
}

function valueParser<T>(label: () => string, parse: (value: string) => T): (value: string) => T {
  return (value: string) => {
    try {
      return parse(value);
    } catch (err) {
      throw new FlagValueError(`invalid argument ${goQuote(value)} for ${goQuote(label())} flag: ${(err as Error).message}`);
    }
  };
}

/** An int or int64 flag (`--rev=0`); pflag reads it with Go's base prefixes (`0x10`, `0o20`, `1_000`). */
export function intOption(flags: string, description: string, defaultValue = 0): Option {
  const option: Option = new Option(flags, description).default(defaultValue);
  return option.argParser(valueParser(() => flagLabel(option), (v) => Number(parseGoInt(v, 0, 64))));
}

/** A Go duration flag, in milliseconds. */
export function durationOption(flags: string, description: string, defaultValue: string): Option {
  const option: Option = new Option(flags, description).default(parseGoDuration(defaultValue));
  return option.argParser(valueParser(() => flagLabel(option), parseGoDuration));
}

export function stringOption(flags: string, description: string, defaultValue = ''): Option {
  return new Option(flags, description).default(defaultValue);
}

export function boolOption(flags: string, description: string): Option {
  return new Option(flags, description).default(false);
}

const GLOBAL_BOOLEANS = ['--hex', '--debug', '--insecure-discovery', '--insecure-skip-tls-verify', '--insecure-transport'];

/**
 * pflag lets a boolean flag take `=value`; commander does not. `--flag=true` becomes `--flag`, and
 * `--flag=false` becomes `--no-flag` for a flag that defaults to true (declared with its negation), and
 * is dropped otherwise (every other boolean bargectl acts on defaults to false). `booleans` maps each
 * long flag to its name in pflag's errors (`-l, --listen`).
 */
function rewriteBooleans(argv: readonly string[], booleans: ReadonlyMap<string, string>): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      result.push(...argv.slice(i));
      break;
    }
    const m = /^(--[^=]+)=(.*)$/.exec(arg);
    const label = m ? booleans.get(m[1]!) : undefined;
    if (m && label !== undefined) {
      if (parseBool(m[2]!, label)) result.push(m[1]!);
      else if (booleans.has(`--no-${m[1]!.slice(2)}`)) result.push(`--no-${m[1]!.slice(2)}`);
      continue;
    }
    result.push(arg);
  }
  return result;
}

// ---- the program --------------------------------------------------------------------------------

const DEFAULT_ENDPOINTS = ['127.0.0.1:2379'];

/** pflag's string slice: the first --endpoints replaces the default, another one adds to it. */
function endpointList(value: string, previous: string[]): string[] {
  const list = value.split(',').filter((e) => e.length > 0);
  return previous === DEFAULT_ENDPOINTS ? list : [...previous, ...list];
}

export function createProgram(): Command {
  const program = new Command('etcdctl')
    .description('A simple command line client for etcd3.')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .allowExcessArguments()
    .helpCommand(false)
    .addOption(new Option('--endpoints <list>', 'gRPC endpoints').default(DEFAULT_ENDPOINTS).argParser(endpointList))
    .addOption(durationOption('--dial-timeout <duration>', 'dial timeout for client connections', '2s'))
    .addOption(durationOption('--command-timeout <duration>', 'timeout for short running command (excluding dial timeout)', '5s'))
    .addOption(durationOption('--keepalive-time <duration>', 'keepalive time for client connections', '2s'))
    .addOption(durationOption('--keepalive-timeout <duration>', 'keepalive timeout for client connections', '6s'))
    .addOption(stringOption('-w, --write-out <format>', 'set the output format (fields, json, protobuf, simple, table)', 'simple'))
    .addOption(boolOption('--hex', 'print byte strings as hex encoded strings'))
    .addOption(boolOption('--debug', 'enable client-side debug logging'))
    .addOption(boolOption('--insecure-transport', 'disable transport security for client connections'))
    .addOption(boolOption('--insecure-skip-tls-verify', 'skip server certificate verification'))
    .addOption(boolOption('--insecure-discovery', 'accept insecure SRV records describing cluster endpoints'))
    .addOption(stringOption('--cacert <file>', 'verify certificates of TLS-enabled secure servers using this CA bundle'))
    .addOption(stringOption('--cert <file>', 'identify secure client using this TLS certificate file'))
    .addOption(stringOption('--key <file>', 'identify secure client using this TLS key file'))
    .addOption(stringOption('--user <user>', 'username[:password] for authentication (prompt if password is not supplied)'))
    .addOption(stringOption('--password <password>', 'password for authentication'))
    .addOption(stringOption('-d, --discovery-srv <domain>', 'domain name to query for SRV records describing cluster endpoints'))
    .addOption(stringOption('--discovery-srv-name <name>', 'service name to query when using DNS discovery'));
  return program;
}

/** A subcommand with etcdctl's argument handling (the command checks its own arguments). */
export function subcommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).allowExcessArguments().argument('[args...]');
}

/** Every boolean flag of the tree with its label; a flag several commands define keeps its first label. */
function allBooleans(command: Command, into: Map<string, string>): Map<string, string> {
  for (const option of command.options) if ((option.isBoolean() || option.negate) && option.long && !into.has(option.long)) into.set(option.long, flagLabel(option));
  for (const sub of command.commands) allBooleans(sub, into);
  return into;
}

// cobra's "did you mean" for unknown commands: edit distance up to 2, or a prefix.
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function unknownCommandMessage(program: Command, name: string): string {
  const names = program.commands.map((c) => c.name()).sort();
  const suggestions = names.filter((n) => levenshtein(name, n) <= 2 || n.toLowerCase().startsWith(name.toLowerCase()));
  const hint = suggestions.length > 0 ? `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : '';
  return `unknown command ${goQuote(name)} for "etcdctl"${hint}`;
}

/** Maps commander's parse errors to what cobra and pflag print for the same mistakes. */
function flagErrorText(err: CommanderError): string | undefined {
  const unknown = /unknown option '([^']*)'/.exec(err.message);
  if (unknown) {
    const flag = unknown[1]!;
    if (flag.startsWith('--')) return `unknown flag: ${flag}`;
    return `unknown shorthand flag: '${flag.slice(1, 2)}' in ${flag}`;
  }
  const missing = /option '([^']*)' argument missing/.exec(err.message);
  if (missing) {
    const long = /--[\w-]+/.exec(missing[1]!)?.[0] ?? missing[1];
    return `flag needs an argument: ${long}`;
  }
  if (err.code === 'commander.invalidArgument') return err.message.replace(/^error: option '[^']*' argument '[^']*' is invalid\. /, '');
  return undefined;
}

/** Runs the program over argv (without node and script) and exits as etcdctl would. */
export async function run(program: Command, argv: readonly string[], ctl: Ctl): Promise<never> {
  let code = 0;
  try {
    await program.parseAsync(rewriteBooleans(argv, allBooleans(program, new Map(GLOBAL_BOOLEANS.map((flag) => [flag, flag])))), { from: 'user' });
  } catch (err) {
    code = report(program, err);
  } finally {
    ctl.close();
  }
  process.exit(code);
}

function report(program: Command, err: unknown): number {
  if (err instanceof CtlError) {
    process.stderr.write(err.stderr);
    return err.code;
  }
  if (err instanceof RpcError) {
    process.stderr.write(`Error: ${err}\n`);
    return ExitCode.Error;
  }
  if (err instanceof FlagValueError) {
    process.stderr.write(`Error: ${err.message}\n\nError: ${err.message}\n`);
    return ExitCode.Error;
  }
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return 0;
    if (err.code === 'commander.unknownCommand') {
      const name = /unknown command '([^']*)'/.exec(err.message)?.[1] ?? '';
      const message = unknownCommandMessage(program, name);
      process.stderr.write(`Error: ${message}\nRun 'etcdctl --help' for usage.\nError: ${message}\n`);
      return ExitCode.Error;
    }
    const text = flagErrorText(err) ?? err.message.replace(/^error: /, '');
    process.stderr.write(`Error: ${text}\n\nError: ${text}\n`);
    return ExitCode.Error;
  }
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.Error;
}
