// etcd's flag handling, as Go's flag package and etcd 3.4's etcdmain do it: `-flag` or `--flag`, a value
// after `=` or as the next argument, booleans given alone or as `=true`/`=false` (Go's ParseBool), the
// same error texts; then ETCD_* environment variables for flags not given (one given both ways is an
// error, an unknown ETCD_* variable a warning); or, with --config-file, etcd's YAML file instead of both.

import { parseGoDuration } from '../shared/go-time.js';
import { ETCD_FLAGS, FLAGS_BY_NAME, envName, type EtcdFlag } from './etcd-flags.js';

/** A flag error as etcd reports it; `usage` says whether etcd prints its usage after it (exit code 2). */
export class FlagError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

export type Source = 'flag' | 'env' | 'config-file';

export interface ParsedFlags {
  /** What was set, by flag name: its text and where it came from. */
  readonly given: ReadonlyMap<string, { readonly value: string; readonly source: Source }>;
  /** Things etcd logs a warning about (an unknown ETCD_* variable, flags a config file overrides). */
  readonly warnings: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
  /** Barge's own hidden --barge-dry-run: parse and check everything, report, and exit. */
  readonly dryRun: boolean;
}

/** Flags etcd takes besides the table's: they act at once rather than configure the member. */
const ACTIONS = new Set(['help', 'h', 'version', 'barge-dry-run']);
/** ETCD_* variables etcd reads that are not flags. */
const KNOWN_ENV = new Set(['ETCD_UNSUPPORTED_ARCH', 'ETCD_VERSION']);

const TRUE_TEXTS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_TEXTS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function goBool(text: string): boolean | undefined {
  return TRUE_TEXTS.has(text) ? true : FALSE_TEXTS.has(text) ? false : undefined;
}

/** Go's time.ParseDuration, in milliseconds ("1h30m", "100ms", "0"); undefined when malformed. */
export function goDurationMs(text: string): number | undefined {
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}

/** Why `text` is not a value of `flag`, as etcd's flag types word it; undefined when it is one. */
function invalidValue(flag: EtcdFlag, text: string): string | undefined {
  switch (flag.kind) {
    case 'bool':
      return goBool(text) === undefined ? 'parse error' : undefined;
    case 'uint':
      return /^\d+$/.test(text) ? undefined : 'parse error';
    case 'int':
      return /^[+-]?\d+$/.test(text) ? undefined : 'parse error';
    case 'duration':
      return goDurationMs(text) === undefined ? 'parse error' : undefined;
    case 'urls':
      for (const url of text.split(',').map((u) => u.trim()).filter((u) => u.length > 0)) {
        let scheme: string;
        try {
          scheme = new URL(url).protocol;
        } catch {
          scheme = '';
        }
        if (!['http:', 'https:', 'unix:', 'unixs:'].includes(scheme)) return `URL scheme must be http, https, unix, or unixs: ${url}`;
      }
      return undefined;
    case 'string':
      return undefined;
  }
}

function checkedFlagValue(flag: EtcdFlag, text: string): string {
  const problem = invalidValue(flag, text);
  if (problem === undefined) return text;
  throw new FlagError(flag.kind === 'bool' ? `invalid boolean value "${text}" for -${flag.name}: ${problem}` : `invalid value "${text}" for flag -${flag.name}: ${problem}`, true);
}

/** The command line, as Go's flag.FlagSet.Parse reads it, then etcd's check that nothing is left over. */
function parseArgs(args: readonly string[]): { values: Map<string, string>; actions: Set<string> } {
  const values = new Map<string, string>();
  const actions = new Set<string>();
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || !arg.startsWith('-')) break;
    i++;
    if (arg === '--') break;
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    if (body.length === 0 || body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${arg}`, true);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (ACTIONS.has(name)) {
      if (inline !== undefined && goBool(inline) === undefined) throw new FlagError(`invalid boolean value "${inline}" for -${name}: parse error`, true);
      if (inline === undefined || goBool(inline)) actions.add(name === 'h' ? 'help' : name);
      continue;
    }
    const flag = FLAGS_BY_NAME.get(name);
    if (!flag) throw new FlagError(`flag provided but not defined: -${name}`, true);
    if (flag.kind === 'bool') {
      values.set(name, inline === undefined ? 'true' : checkedFlagValue(flag, inline));
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i >= args.length) throw new FlagError(`flag needs an argument: -${name}`, true);
      value = args[i++]!;
    }
    values.set(name, checkedFlagValue(flag, value));
  }
  if (i < args.length) throw new FlagError(`error verifying flags, '${args[i]}' is not a valid flag. See 'etcd --help'.`);
  return { values, actions };
}

/** ETCD_* variables for the flags not on the command line, as etcd's SetFlagsFromEnv. */
function fromEnvironment(env: NodeJS.ProcessEnv, onCommandLine: ReadonlyMap<string, string>, warnings: string[]): Map<string, string> {
  const values = new Map<string, string>();
  const byEnvName = new Map(ETCD_FLAGS.map((f) => [envName(f.name), f]));
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('ETCD_') || value === undefined || KNOWN_ENV.has(key)) continue;
    const flag = byEnvName.get(key);
    if (!flag) {
      warnings.push(`unrecognized environment variable ${key}=${value}`);
      continue;
    }
    if (onCommandLine.has(flag.name)) {
      throw new FlagError(`conflicting environment variable "${key}" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`);
    }
    const problem = invalidValue(flag, value);
    if (problem !== undefined) throw new FlagError(`invalid value "${value}" for ${key}: ${problem}`);
    values.set(flag.name, value);
  }
  return values;
}

/** etcd's TLS sections of the config file: their keys, and the flags they stand for. */
const TLS_SECTIONS: Record<string, string> = { 'client-transport-security': '', 'peer-transport-security': 'peer-' };
const TLS_KEYS = ['cert-file', 'key-file', 'client-cert-auth', 'trusted-ca-file', 'auto-tls'];

/** A YAML value as flag text: lists comma-joined; a number for a duration is nanoseconds (Go's time.Duration). */
function yamlText(flag: EtcdFlag, value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'number' && flag.kind === 'duration') return `${value}ns`;
  return String(value);
}

/** etcd's YAML configuration file: keys named as the flags, TLS settings under two sections. */
async function fromConfigFile(path: string, text: string, warnings: string[]): Promise<Map<string, string>> {
  let document: unknown;
  try {
    // Loaded only for a config file: most members never need it, and it costs startup time.
    const { parse } = await import('yaml');
    document = parse(text);
  } catch (err) {
    throw new FlagError(`error verifying flags, ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const values = new Map<string, string>();
  const set = (name: string, value: unknown, key: string): void => {
    const flag = FLAGS_BY_NAME.get(name);
    if (!flag || name === 'config-file') {
      warnings.push(`unknown key "${key}" in config file ${path}; ignored`);
      return;
    }
    if (value === null || value === undefined || value === '') return;
    const valueText = yamlText(flag, value);
    const problem = invalidValue(flag, valueText);
    if (problem !== undefined) throw new FlagError(`error verifying flags, ${path}: invalid value "${valueText}" for ${key}: ${problem}`);
    values.set(name, valueText);
  };
  for (const [key, value] of Object.entries((document ?? {}) as Record<string, unknown>)) {
    const prefix = TLS_SECTIONS[key];
    if (prefix === undefined) {
      set(key, value, key);
      continue;
    }
    for (const [tlsKey, tlsValue] of Object.entries((value ?? {}) as Record<string, unknown>)) {
      if (TLS_KEYS.includes(tlsKey)) set(`${prefix}${tlsKey}`, tlsValue, `${key}.${tlsKey}`);
      else warnings.push(`unknown key "${key}.${tlsKey}" in config file ${path}; ignored`);
    }
  }
  return values;
}

export async function parseEtcdFlags(args: readonly string[], env: NodeJS.ProcessEnv, readFile: (path: string) => string): Promise<ParsedFlags> {
  const warnings: string[] = [];
  const { values: commandLine, actions } = parseArgs(args);
  const environment = fromEnvironment(env, commandLine, warnings);
  const given = new Map<string, { value: string; source: Source }>();
  const configFile = commandLine.get('config-file') ?? environment.get('config-file');
  if (configFile) {
    let text: string;
    try {
      text = readFile(configFile);
    } catch (err) {
      throw new FlagError(`error verifying flags, open ${configFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const [name, value] of await fromConfigFile(configFile, text, warnings)) given.set(name, { value, source: 'config-file' });
    const ignored = [...commandLine.keys(), ...[...environment.keys()].map(envName)].filter((n) => n !== 'config-file' && n !== envName('config-file'));
    if (ignored.length > 0) warnings.push(`loading server configuration from ${configFile}: other command line flags and environment variables are ignored (${ignored.join(', ')})`);
  } else {
    for (const [name, value] of environment) given.set(name, { value, source: 'env' });
    for (const [name, value] of commandLine) given.set(name, { value, source: 'flag' });
  }
  return { given, warnings, help: actions.has('help'), version: actions.has('version'), dryRun: actions.has('barge-dry-run') };
}

/** The flags set to something Barge does not do as etcd would, each with what Barge does instead. */
export function differingFlags(parsed: ParsedFlags): { flag: string; value: string; barge: string }[] {
  const result: { flag: string; value: string; barge: string }[] = [];
  for (const [name, { value }] of parsed.given) {
    const flag = FLAGS_BY_NAME.get(name);
    if (!flag?.differs) continue;
    if (sameValue(flag, value, flag.sameWhen ?? flag.defaultValue)) continue;
    result.push({ flag: `--${name}`, value, barge: flag.differs });
  }
  return result;
}

function sameValue(flag: EtcdFlag, a: string, b: string): boolean {
  if (flag.kind === 'bool') return goBool(a) === goBool(b);
  if (flag.kind === 'duration') return goDurationMs(a) === goDurationMs(b);
  return a === b;
}

/** Typed reads of the parsed flags, etcd's default for one not given. */
export class FlagValues {
  constructor(private readonly parsed: ParsedFlags) {}

  has(name: string): boolean {
    return this.parsed.given.has(name);
  }

  text(name: string): string {
    return this.parsed.given.get(name)?.value ?? FLAGS_BY_NAME.get(name)!.defaultValue;
  }

  bool(name: string): boolean {
    return goBool(this.text(name)) === true;
  }

  number(name: string): number {
    return Number(this.text(name));
  }

  durationMs(name: string): number {
    return goDurationMs(this.text(name)) ?? 0;
  }

  /** A comma-separated list, its items trimmed, empty ones dropped. */
  list(name: string): string[] {
    return this.text(name).split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  }
}
