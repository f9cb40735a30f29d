// Passwords as etcdctl reads them: --user/--password (a password not given is asked for on the
// terminal, echo off) and the user commands' prompts, with Go's notion of spaces and unbuffered stdin.

import { spawnSync } from 'node:child_process';
import { readSync } from 'node:fs';
import type { ClientAuth } from './client.js';
import { ExitCode, fail } from './errors.js';
import { out } from './printers.js';

/** unicode.IsSpace. */
function isGoSpace(cp: number): boolean {
  return (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** strings.TrimSpace. */
function goTrimSpace(text: string): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start]!.codePointAt(0)!)) start++;
  while (end > start && isGoSpace(chars[end - 1]!.codePointAt(0)!)) end--;
  return chars.slice(start, end).join('');
}

/** One byte of stdin (undefined at its end), read unbuffered so nothing past it is consumed. */
function readByte(): number | undefined {
  const byte = Buffer.alloc(1);
  for (;;) {
    try {
      return readSync(0, byte, 0, 1, null) === 1 ? byte[0] : undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF') return undefined;
      throw err;
    }
  }
}

/** One UTF-8 character of stdin, read a byte at a time as Go's fmt reads an unbuffered reader. */
function readRune(): string | undefined {
  const first = readByte();
  if (first === undefined) return undefined;
  const bytes = [first];
  const more = first >= 0xf0 ? 3 : first >= 0xe0 ? 2 : first >= 0xc0 ? 1 : 0;
  for (let i = 0; i < more; i++) {
    const next = readByte();
    if (next === undefined) break;
    bytes.push(next);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** fmt.Scanf("%s"): a word of stdin after spaces on its line, "" at a newline or the end. */
export function scanWord(): string {
  let word = '';
  let c = readRune();
  while (c !== undefined && c !== '\n' && isGoSpace(c.codePointAt(0)!)) c = readRune();
  while (c !== undefined && !isGoSpace(c.codePointAt(0)!)) {
    word += c;
    c = readRune();
  }
  return word;
}

/**
 * speakeasy.Ask, which etcdctl prompts with: the prompt on stdout, echo turned off with stty on the
 * terminal (stty complains on stderr when stdin is not one), a line of stdin, echo back on.
 */
function askPassword(prompt: string, failure: (message: string) => never): string {
  out(prompt);
  const stty = (arg: string) => spawnSync('/bin/stty', [arg], { argv0: 'stty', stdio: 'inherit' });
  const off = stty('-echo');
  if (off.error) failure(`failed turning off console echo for password entry:\n\t${off.error.message}`);
  const bytes: number[] = [];
  let line: string;
  try {
    for (let b = readByte(); b !== undefined && b !== 0x0a; b = readByte()) bytes.push(b);
    line = Buffer.from(bytes).toString('utf8');
  } catch (err) {
    stty('echo');
    out('\n');
    return failure(`failed during password entry: ${(err as Error).message}`);
  }
  stty('echo');
  out('\n');
  return goTrimSpace(line.replace(/\r$/, ''));
}

/** --user (name or name:password) and --password as etcdctl reads them; undefined without --user. */
export function clientAuth(user: string, password: string): ClientAuth | undefined {
  if (user === '') return undefined;
  if (password !== '') return { username: user, password };
  const colon = user.indexOf(':');
  if (colon >= 0) return { username: user.slice(0, colon), password: user.slice(colon + 1) };
  return { username: user, password: askPassword('Password: ', (message) => fail(ExitCode.Error, message)) };
}

/** etcdctl's readPasswordInteractive: asked twice, never empty. */
export function readPasswordInteractive(name: string): string {
  const failure = (message: string): never => fail(ExitCode.BadArgs, `failed to ask password: ${message}`);
  const first = askPassword(`Password of ${name}: `, failure);
  if (first.length === 0) fail(ExitCode.BadArgs, 'empty password');
  const second = askPassword(`Type password of ${name} again for confirmation: `, failure);
  if (first !== second) fail(ExitCode.BadArgs, 'given passwords are different');
  return first;
}
