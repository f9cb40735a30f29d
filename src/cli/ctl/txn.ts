// txn: etcdctl's transaction grammar on stdin — compares, a blank line, success operations, a blank
// line, failure operations, a blank line — with its prompts under -i and its parse errors.

import { readSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type * as pb from '../../wire/messages.js';
import { ExitCode, fail, goPanic } from './errors.js';
import { goQuote } from '../../shared/go-strings.js';
import { parseGoInt } from './gofmt.js';
import { addDelOptions, addGetOptions, addPutOptions, delRequest, getRequest, putRequest, type DelOptions, type GetOptions, type PutOptions } from './kv.js';
import { out } from './printers.js';
import { boolOption, subcommand, type Ctl } from './program.js';

/** Reads stdin line by line as it arrives (so -i prompts come before each section is typed). */
class LineReader {
  private buffered = Buffer.alloc(0);
  private eof = false;

  /** The next line without its newline; a last line without one is an EOF error, as bufio reports it. */
  readLine(): string {
    for (;;) {
      const nl = this.buffered.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffered.subarray(0, nl).toString('utf8');
        this.buffered = this.buffered.subarray(nl + 1);
        return line;
      }
      if (this.eof) fail(ExitCode.InvalidInput, 'EOF');
      const chunk = Buffer.alloc(65536);
      let n = 0;
      try {
        n = readSync(0, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        n = 0;
      }
      if (n === 0) this.eof = true;
      else this.buffered = Buffer.concat([this.buffered, chunk.subarray(0, n)]);
    }
  }
}

// ---- Go string scanning -------------------------------------------------------------------------

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, "'": 0x27, '"': 0x22 };

/** strconv.Unquote of a double-quoted or back-quoted Go string; undefined when malformed. */
function goUnquote(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) return text.slice(1, -1);
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return undefined;
  const body = text.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    if (SIMPLE_ESCAPES[e] !== undefined && e !== "'") {
      bytes.push(SIMPLE_ESCAPES[e]!);
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if ((e === 'u' || e === 'U') && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + (e === 'u' ? 6 : 10))) && body.length >= i + (e === 'u' ? 6 : 10)) {
      const width = e === 'u' ? 4 : 8;
      bytes.push(...Buffer.from(String.fromCodePoint(parseInt(body.slice(i + 2, i + 2 + width), 16)), 'utf8'));
      i += 2 + width;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      const v = parseInt(body.slice(i + 1, i + 4), 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 4;
    } else return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** fmt.Sscanf's %q: leading spaces skipped, then a quoted string; [value, rest] or undefined. */
function scanQuoted(input: string): [string, string] | undefined {
  const s = input.replace(/^[ \t\r\n]+/, '');
  let end = -1;
  if (s.startsWith('`')) end = s.indexOf('`', 1);
  else if (s.startsWith('"')) {
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '"') {
        end = i;
        break;
      }
    }
  }
  if (end < 0) return undefined;
  const value = goUnquote(s.slice(0, end + 1));
  return value === undefined ? undefined : [value, s.slice(end + 1)];
}

// ---- compares -----------------------------------------------------------------------------------

const RESULTS: Record<string, number> = { '=': 0, '==': 0, '>': 1, '<': 2, '!=': 3 };

function parseCompare(line: string): pb.CompareInit {
  const paren = line.indexOf('(');
  if (paren < 0) fail(ExitCode.InvalidInput, `malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  let rest = line.slice(paren + 1);
  let key = '';
  let op = '';
  let val = '';
  let n = 0;
  const scanned = scanQuoted(rest);
  if (scanned) {
    [key, rest] = scanned;
    n = 1;
    if (rest.startsWith(')')) {
      const opMatch = /^[ \t\r\n]*(\S+)/.exec(rest.slice(1));
      if (opMatch) {
        op = opMatch[1]!;
        n = 2;
        const value = scanQuoted(rest.slice(1 + opMatch[0].length));
        if (value) {
          val = value[0];
          n = 3;
        }
      }
    }
  }
  if (n !== 3) fail(ExitCode.InvalidInput, `malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`);
  const compare: pb.CompareInit = { key: Buffer.from(key, 'utf8') };
  const numeric = (field: 'version' | 'create_revision' | 'mod_revision', targetCode: number) => {
    try {
      compare[field] = parseGoInt(val, 10, 64).toString();
    } catch {
      fail(ExitCode.InvalidInput, `invalid txn compare request: ${line}`);
    }
    compare.target = targetCode;
  };
  switch (target) {
    case 'ver':
    case 'version':
      numeric('version', 0);
      break;
    case 'c':
    case 'create':
      numeric('create_revision', 1);
      break;
    case 'm':
    case 'mod':
      numeric('mod_revision', 2);
      break;
    case 'val':
    case 'value':
      compare.target = 3;
      compare.value = Buffer.from(val, 'utf8');
      break;
    case 'lease':
      // etcdctl hands the client a string where it wants a number, and the client panics.
      goPanic('bad value');
      break;
    default:
      fail(ExitCode.InvalidInput, `malformed comparison: ${line} (unknown target ${target})`);
  }
  const result = RESULTS[op];
  if (result === undefined) goPanic('Unknown result op');
  compare.result = result;
  return compare;
}

// ---- operations ---------------------------------------------------------------------------------

/** etcdctl's argify: words, "Go-quoted" strings and 'single-quoted' strings (sliced as etcdctl slices them). */
export function argify(line: string): string[] {
  const args = line.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g) ?? [];
  return args.map((arg) => {
    if (arg.startsWith("'")) {
      const end = args.length - 1;
      if (end > arg.length) goPanic(`runtime error: slice bounds out of range [:${end}] with length ${arg.length}`);
      if (end < 1) goPanic(`runtime error: slice bounds out of range [1:${end}]`);
      return arg.slice(1, end);
    }
    if (arg.startsWith('"')) {
      const scanned = scanQuoted(arg);
      if (!scanned) fail(ExitCode.InvalidInput, 'unexpected EOF');
      return scanned[0];
    }
    return arg;
  });
}

function parseOp(line: string): pb.RequestOpInit {
  const args = argify(line);
  if (args.length < 2) fail(ExitCode.InvalidInput, `invalid txn compare request: ${line}`);
  let op: pb.RequestOpInit | undefined;
  const parser = new Command('txn-op').exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} }).helpCommand(false);
  addPutOptions(subcommand(parser, 'put', '')).action((a: string[], o: PutOptions) => {
    op = { request_put: putRequest(a, o, () => Buffer.alloc(0)) };
  });
  addGetOptions(subcommand(parser, 'get', '')).action((a: string[], o: GetOptions) => {
    op = { request_range: getRequest(a, o) };
  });
  addDelOptions(subcommand(parser, 'del', '')).action((a: string[], o: DelOptions) => {
    op = { request_delete_range: delRequest(a, o) };
  });
  try {
    parser.parse(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError || !(err instanceof Error && 'code' in err)) fail(ExitCode.InvalidInput, `invalid txn request: ${line}`);
    throw err;
  }
  if (!op) fail(ExitCode.InvalidInput, `invalid txn request: ${line}`);
  return op;
}

function readSection<T>(reader: LineReader, parse: (line: string) => T): T[] {
  const items: T[] = [];
  for (;;) {
    const line = reader.readLine().trim();
    if (line.length === 0) return items;
    items.push(parse(line));
  }
}

export function registerTxn(program: Command, ctl: Ctl): void {
  subcommand(program, 'txn', 'Txn processes all the requests in one transaction')
    .addOption(boolOption('-i, --interactive', 'Input transaction in interactive mode'))
    .addOption(new Option('--no-interactive').hideHelp())
    .action(async (args: string[], o: { interactive: boolean }) => {
      if (args.length !== 0) fail(ExitCode.BadArgs, 'txn command does not accept argument');
      const reader = new LineReader();
      const client = ctl.client();
      await client.connect();
      const prompt = (text: string) => {
        if (o.interactive) out(`${text}\n`);
      };
      prompt('compares:');
      const compare = readSection(reader, parseCompare);
      prompt('success requests (get, put, del):');
      const success = readSection(reader, parseOp);
      prompt('failure requests (get, put, del):');
      const failure = readSection(reader, parseOp);
      const response = await client.call('KV', 'Txn', { compare, success, failure }, { noDeadline: true });
      ctl.display().txn(response);
    });
}
