// put, get, del and compaction: etcdctl's argument rules, the requests they make, and their output.
// The request builders are shared with txn, whose operations are written as these commands.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { prefixEnd } from '../../mvcc/keys.js';
import type * as pb from '../../wire/messages.js';
import { ExitCode, fail } from './errors.js';
import { parseGoInt } from './gofmt.js';
import { out } from './printers.js';
import { SimpleDisplay } from './printers-simple.js';
import { boolOption, intOption, stringOption, subcommand, type Ctl } from './program.js';

const NUL = Buffer.from([0]);

function key(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

// ---- get ------------------------------------------------------------------------------------------

export interface GetOptions {
  consistency: string;
  fromKey: boolean;
  keysOnly: boolean;
  countOnly: boolean;
  limit: number;
  order: string;
  prefix: boolean;
  printValueOnly: boolean;
  rev: number;
  sortBy: string;
}

export function addGetOptions(command: Command): Command {
  return command
    .addOption(stringOption('--consistency <l|s>', 'Linearizable(l) or Serializable(s)', 'l'))
    .addOption(boolOption('--from-key', 'Get keys that are greater than or equal to the given key using byte compare'))
    .addOption(boolOption('--keys-only', 'Get only the keys'))
    .addOption(boolOption('--count-only', 'Get only the count'))
    .addOption(intOption('--limit <n>', 'Maximum number of results'))
    .addOption(stringOption('--order <order>', 'Order of results; ASCEND or DESCEND (ASCEND by default)'))
    .addOption(boolOption('--prefix', 'Get keys with matching prefix'))
    .addOption(boolOption('--print-value-only', 'Only write values when using the "simple" output format'))
    .addOption(intOption('--rev <n>', 'Specify the kv revision'))
    .addOption(stringOption('--sort-by <target>', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'));
}

const SORT_ORDERS: Record<string, number> = { '': 0, ASCEND: 1, DESCEND: 2 };
const SORT_TARGETS: Record<string, number> = { '': 0, KEY: 0, VERSION: 1, CREATE: 2, MODIFY: 3, VALUE: 4 };

const TOO_MANY = 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set';
const PREFIX_AND_FROM_KEY = '`--prefix` and `--from-key` cannot be set at the same time, choose one';

/** etcdctl's getGetOp: a RangeRequest from get's arguments and flags. */
export function getRequest(args: readonly string[], o: GetOptions): pb.RangeRequestInit {
  if (args.length === 0) fail(ExitCode.BadArgs, 'get command needs one argument as key and an optional argument as range_end');
  if (o.prefix && o.fromKey) fail(ExitCode.BadArgs, PREFIX_AND_FROM_KEY);
  if (o.consistency !== 's' && o.consistency !== 'l') fail(ExitCode.BadFeature, `unknown consistency flag "${o.consistency}"`);
  const request: pb.RangeRequestInit & { key: Uint8Array } = { key: key(args[0]!), serializable: o.consistency === 's' };
  if (args.length > 1) {
    if (o.prefix || o.fromKey) fail(ExitCode.BadArgs, TOO_MANY);
    request.range_end = key(args[1]!);
  }
  request.limit = o.limit;
  if (o.rev > 0) request.revision = o.rev;
  const order = SORT_ORDERS[o.order.toUpperCase()];
  if (order === undefined) fail(ExitCode.BadFeature, `bad sort order ${o.order}`);
  const target = SORT_TARGETS[o.sortBy.toUpperCase()];
  if (target === undefined) fail(ExitCode.BadFeature, `bad sort target ${o.sortBy}`);
  // The client drops an ascending sort by key: that is the natural order.
  request.sort_order = target === 0 && order === 1 ? 0 : order;
  request.sort_target = target;
  if (o.prefix) {
    if (request.key.length === 0) {
      request.key = NUL;
      request.range_end = NUL;
    } else request.range_end = prefixEnd(request.key);
  }
  if (o.fromKey) {
    if (request.key.length === 0) request.key = NUL;
    request.range_end = NUL;
  }
  if (o.keysOnly) request.keys_only = true;
  if (o.countOnly) request.count_only = true;
  return request;
}

// ---- put ------------------------------------------------------------------------------------------

export interface PutOptions {
  lease: string;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
}

export function addPutOptions(command: Command): Command {
  return command
    .addOption(stringOption('--lease <id>', 'lease ID (in hexadecimal) to attach to the key', '0'))
    .addOption(boolOption('--prev-kv', 'return the previous key-value pair before modification'))
    .addOption(boolOption('--ignore-value', 'updates the key using its current value'))
    .addOption(boolOption('--ignore-lease', 'updates the key using its current lease'));
}

function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

const PUT_ARGS = 'put command needs 1 argument and input from stdin or 2 arguments';

/** etcdctl's getPutOp; `stdin` supplies the value when only the key is given. */
export function putRequest(args: readonly string[], o: PutOptions, stdin: () => Buffer): pb.PutRequestInit {
  if (args.length === 0) fail(ExitCode.BadArgs, PUT_ARGS);
  if (o.ignoreValue && args.length > 1) fail(ExitCode.BadArgs, "put command needs only 1 argument when 'ignore-value' is set");
  let value: Buffer = Buffer.alloc(0);
  if (!o.ignoreValue) {
    value = args.length > 1 ? key(args[1]!) : stdin();
    if (value.length === 0 && args.length < 2) fail(ExitCode.BadArgs, PUT_ARGS);
  }
  let lease: bigint;
  try {
    lease = parseGoInt(o.lease, 16, 64);
  } catch (err) {
    fail(ExitCode.BadArgs, `bad lease ID (${(err as Error).message}), expecting ID in Hex`);
  }
  const request: pb.PutRequestInit = { key: key(args[0]!), value };
  if (lease !== 0n) request.lease = lease.toString();
  if (o.prevKv) request.prev_kv = true;
  if (o.ignoreValue) request.ignore_value = true;
  if (o.ignoreLease) request.ignore_lease = true;
  return request;
}

// ---- del ------------------------------------------------------------------------------------------

export interface DelOptions {
  prefix: boolean;
  prevKv: boolean;
  fromKey: boolean;
}

export function addDelOptions(command: Command): Command {
  return command
    .addOption(boolOption('--prefix', 'delete keys with matching prefix'))
    .addOption(boolOption('--prev-kv', 'return deleted key-value pairs'))
    .addOption(boolOption('--from-key', 'delete keys that are greater than or equal to the given key using byte compare'));
}

/** etcdctl's getDelOp. */
export function delRequest(args: readonly string[], o: DelOptions): pb.DeleteRangeRequestInit {
  if (args.length === 0 || args.length > 2) fail(ExitCode.BadArgs, 'del command needs one argument as key and an optional argument as range_end');
  if (o.prefix && o.fromKey) fail(ExitCode.BadArgs, PREFIX_AND_FROM_KEY);
  let first: Uint8Array = key(args[0]!);
  let rangeEnd: Uint8Array | undefined;
  if (args.length > 1) {
    if (o.prefix || o.fromKey) fail(ExitCode.BadArgs, TOO_MANY);
    rangeEnd = key(args[1]!);
  }
  if (o.prefix) {
    if (first.length === 0) {
      first = NUL;
      rangeEnd = NUL;
    } else rangeEnd = prefixEnd(first);
  }
  if (o.fromKey) {
    if (first.length === 0) first = NUL;
    rangeEnd = NUL;
  }
  const request: pb.DeleteRangeRequestInit = { key: first };
  if (rangeEnd !== undefined) request.range_end = rangeEnd;
  if (o.prevKv) request.prev_kv = true;
  return request;
}

// ---- the commands -----------------------------------------------------------------------------------

export function registerKv(program: Command, ctl: Ctl): void {
  addPutOptions(subcommand(program, 'put', 'Puts the given key into the store')).action(async (args: string[], o: PutOptions) => {
    const request = putRequest(args, o, readStdin);
    const response = await ctl.client().call('KV', 'Put', request);
    ctl.display().put(response);
  });

  addGetOptions(subcommand(program, 'get', 'Gets the key or a range of keys')).action(async (args: string[], o: GetOptions) => {
    const request = getRequest(args, o);
    const client = ctl.client();
    const response = await client.call('KV', 'Range', request);
    if (o.countOnly) {
      if (ctl.display() instanceof SimpleDisplay) {
        out(`${response.count.toString()}\n`);
        return;
      }
    }
    if (o.printValueOnly) {
      const display = ctl.display();
      if (!(display instanceof SimpleDisplay)) fail(ExitCode.BadArgs, 'print-value-only is only for `--write-out=simple`');
      display.valueOnly = true;
    }
    ctl.display().get(response);
  });

  addDelOptions(subcommand(program, 'del', 'Removes the specified key or range of keys [key, range_end)')).action(async (args: string[], o: DelOptions) => {
    const request = delRequest(args, o);
    const response = await ctl.client().call('KV', 'DeleteRange', request);
    ctl.display().del(response);
  });

  subcommand(program, 'compaction', 'Compacts the event history in etcd')
    .addOption(boolOption('--physical', "'true' to wait for compaction to physically remove all old revisions"))
    .action(async (args: string[], o: { physical: boolean }) => {
      if (args.length !== 1) fail(ExitCode.BadArgs, 'compaction command needs 1 argument');
      let revision: bigint;
      try {
        revision = parseGoInt(args[0]!, 10, 64);
      } catch (err) {
        fail(ExitCode.Error, (err as Error).message);
      }
      await ctl.client().call('KV', 'Compact', { revision: revision.toString(), physical: o.physical });
      out(`compacted revision ${revision}\n`);
    });
}
