// A member whose TLS flags cannot work refuses to start, and says which flag is wrong and why.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, freePort } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';

let dir: string;
let pki: TestPki;
let member: CertFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-tls-errors-'));
  pki = await createTestPki(dir);
  member = await pki.member('m1');
  writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts a member with `flags`; resolves with its exit code and its fatal message once it exits (or 'still running'). */
async function start(name: string, flags: (ports: { client: number; peer: number }) => string[]): Promise<{ code: number | null; message: string }> {
  const ports = { client: await freePort(), peer: await freePort() };
  const child = spawn(process.execPath, [BARGE_BIN, `--name=${name}`, `--data-dir=${join(dir, name)}`, ...flags(ports)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // Eight start at once: under a load of 40 or more, one takes well over 20 s to read its flags and exit.
  const code = await exitCodeWithin(child, 90_000);
  const fatal = stderr
    .split('\n')
    .filter((l) => l.includes('"level":"fatal"'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
  return { code, message: fatal.join('\n') || (code === null ? 'still running' : stderr) };
}

const httpsClient = ({ client }: { client: number }): string[] => [`--listen-client-urls=https://127.0.0.1:${client}`, `--advertise-client-urls=https://127.0.0.1:${client}`];
const httpsPeer = ({ peer }: { peer: number }): string[] => [`--listen-peer-urls=https://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=https://127.0.0.1:${peer}`];
const httpPeer = ({ peer }: { peer: number }): string[] => [`--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`];

describe('TLS startup errors', () => {
  it('each misconfiguration stops the member with a message naming the flag', async () => {
    const missing = join(dir, 'nope', 'cert.pem');
    const cases: [string, (p: { client: number; peer: number }) => string[], string][] = [
      ['no-cert', (p) => [...httpsClient(p), ...httpPeer(p)], 'TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:'],
      ['missing-cert', (p) => [...httpsClient(p), ...httpPeer(p), `--cert-file=${missing}`, `--key-file=${member.key}`], `cannot read --cert-file "${missing}": no such file`],
      ['half-pair', (p) => [...httpsClient(p), ...httpPeer(p), `--cert-file=${member.cert}`], '--cert-file and --key-file must be given together'],
      ['no-ca', (p) => [...httpsClient(p), ...httpPeer(p), `--cert-file=${member.cert}`, `--key-file=${member.key}`, '--client-cert-auth'], '--client-cert-auth needs --trusted-ca-file'],
      ['garbage-peer-cert', (p) => [...httpsPeer(p), `--peer-cert-file=${join(dir, 'garbage.pem')}`, `--peer-key-file=${member.key}`], 'are not a usable certificate and key'],
      ['wrong-key', (p) => [...httpsPeer(p), `--peer-cert-file=${member.cert}`, `--peer-key-file=${pki.caFile}`], `--peer-key-file "${pki.caFile}" are not a usable certificate and key`],
      ['missing-peer-ca', (p) => [...httpsPeer(p), `--peer-cert-file=${member.cert}`, `--peer-key-file=${member.key}`, `--peer-trusted-ca-file=${missing}`], `cannot read --peer-trusted-ca-file "${missing}"`],
      ['no-peer-cert', (p) => [...httpsPeer(p)], 'TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for peer url https://127.0.0.1:'],
    ];
    const outcomes = await Promise.all(cases.map(([name, flags]) => start(name, flags)));
    cases.forEach(([name, , expected], i) => {
      expect({ name, code: outcomes[i]!.code }).toEqual({ name, code: 1 });
      expect(outcomes[i]!.message).toContain(expected);
    });
  }, 120_000);
});
