import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JwtTokens, SimpleTokens, parseAuthTokenFlag, parseDurationMs, simpleTokenIndex, simpleTokenPrefix } from '../../../src/auth/index.js';

const dir = mkdtempSync(join(tmpdir(), 'barge-jwt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFiles(type: 'rsa' | 'ec'): { pub: string; priv: string } {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = join(dir, `${type}.pub.pem`);
  const priv = join(dir, `${type}.priv.pem`);
  writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(priv, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { pub, priv };
}

describe('simple tokens', () => {
  it('a token names the raft index it was issued at', () => {
    const prefix = simpleTokenPrefix();
    expect(prefix).toMatch(/^[a-zA-Z]{16}$/);
    expect(simpleTokenIndex(`${prefix}.42`)).toBe(42);
    expect(simpleTokenIndex('garbage')).toBeUndefined();
    expect(simpleTokenIndex(`${prefix}.x`)).toBeUndefined();
  });

  it('live for the TTL after their last use; gone for a deleted user', () => {
    let now = 0;
    const tokens = new SimpleTokens(1000, () => now);
    tokens.assign('a.1', 'alice');
    tokens.assign('b.2', 'bob');
    now = 900;
    expect(tokens.use('a.1')).toBe('alice');
    now = 1500;
    expect(tokens.use('a.1')).toBe('alice');
    expect(tokens.use('b.2')).toBeUndefined();
    tokens.invalidateUser('alice');
    expect(tokens.use('a.1')).toBeUndefined();
    tokens.close();
  });
});

describe('JWT tokens', () => {
  it.each([
    ['RS256', 'rsa'],
    ['PS384', 'rsa'],
    ['ES256', 'ec'],
  ] as const)('%s: signed here, verified with the public key alone; tampering and expiry are refused', (method, type) => {
    const files = keyFiles(type);
    let now = Date.now();
    const signer = new JwtTokens(parseAuthTokenFlag(`jwt,pub-key=${files.pub},priv-key=${files.priv},sign-method=${method},ttl=1m`, 300) as never, () => now);
    const verifier = new JwtTokens(parseAuthTokenFlag(`jwt,pub-key=${files.pub},sign-method=${method}`, 300) as never, () => now);
    expect(verifier.canSign).toBe(false);
    const token = signer.sign('alice', 7);
    const claims = verifier.verify(token);
    expect(claims).toMatchObject({ username: 'alice', revision: 7 });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ exp: claims!.exp, revision: 7, username: 'root' })).toString('base64url');
    expect(verifier.verify(`${h}.${forged}.${s}`)).toBeUndefined();
    expect(verifier.verify('a.b.c')).toBeUndefined();
    now += 61_000;
    expect(verifier.verify(token)).toBeUndefined();
  });

  it('another key pair does not verify', () => {
    const a = keyFiles('rsa');
    const signer = new JwtTokens(parseAuthTokenFlag(`jwt,pub-key=${a.pub},priv-key=${a.priv},sign-method=RS256`, 300) as never);
    const token = signer.sign('root', 1);
    const b = keyFiles('rsa');
    const other = new JwtTokens(parseAuthTokenFlag(`jwt,pub-key=${b.pub},sign-method=RS256`, 300) as never);
    expect(other.verify(token)).toBeUndefined();
  });
});

describe('--auth-token', () => {
  it('parses etcd\'s syntax and refuses what etcd refuses', () => {
    expect(parseAuthTokenFlag('simple', 12)).toEqual({ type: 'simple', ttlMs: 12_000 });
    expect(() => parseAuthTokenFlag('fancy', 300)).toThrow();
    expect(() => parseAuthTokenFlag('jwt,sign-method=RS256', 300)).toThrow();
    expect(() => parseAuthTokenFlag('jwt,pub-key', 300)).toThrow();
    expect(() => parseAuthTokenFlag('jwt,pub-key=/nonexistent,sign-method=XX1', 300)).toThrow();
    expect(parseDurationMs('10m')).toBe(600_000);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('10')).toBeUndefined();
  });
});
