// Auth tokens, as etcd's --auth-token offers them.
//
// simple: a random 16-letter prefix and the index of the raft entry that applied the authentication
// ("prefix.index"). Authentication is itself a raft entry, so every member learns each token when it
// applies it; a member asked about a token from an index it has not reached yet waits for it. A token
// lives --auth-token-ttl seconds from its last use, and goes when its user is deleted or changes password,
// or when auth is disabled. Tokens live in memory only.
//
// jwt: a JSON Web Token signed with the configured key (RS*, PS*, ES*, HS*), carrying the user name, the
// auth revision it was issued at and its expiry; any member holding the public key verifies it.

import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomInt,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

export const DEFAULT_TOKEN_TTL_SECONDS = 300;
const DEFAULT_JWT_TTL_MS = 5 * 60 * 1000;
const SIMPLE_PREFIX_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SIMPLE_PREFIX_LENGTH = 16;

export type TokenOptions =
  | { readonly type: 'simple'; readonly ttlMs: number }
  | { readonly type: 'jwt'; readonly signMethod: JwtSignMethod; readonly signKey?: KeyObject | Buffer; readonly verifyKey: KeyObject | Buffer; readonly ttlMs: number };

export type JwtSignMethod = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'HS256' | 'HS384' | 'HS512';
const SIGN_METHODS: readonly JwtSignMethod[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'];

/**
 * Parses --auth-token as etcd does: "simple", or "jwt,pub-key=<file>,priv-key=<file>,sign-method=<alg>[,ttl=<duration>]".
 * Reads the key files. Throws on anything else.
 */
export function parseAuthTokenFlag(value: string, ttlSeconds: number): TokenOptions {
  const [type, ...rest] = value.split(',');
  const options = new Map<string, string>();
  for (const part of rest) {
    const pair = part.split('=');
    if (pair.length !== 2 || options.has(pair[0]!)) throw new Error(`invalid --auth-token option "${part}"`);
    options.set(pair[0]!, pair[1]!);
  }
  if (type === 'simple') return { type: 'simple', ttlMs: ttlSeconds * 1000 };
  if (type !== 'jwt') throw new Error(`--auth-token must be "simple" or "jwt,...", got "${value}"`);
  const signMethod = options.get('sign-method') as JwtSignMethod | undefined;
  if (!signMethod || !SIGN_METHODS.includes(signMethod)) throw new Error(`--auth-token: unsupported or missing sign-method "${signMethod ?? ''}"`);
  const ttl = options.get('ttl');
  const ttlMs = ttl === undefined ? DEFAULT_JWT_TTL_MS : parseDurationMs(ttl);
  if (ttlMs === undefined || ttlMs <= 0) throw new Error(`--auth-token: invalid ttl "${ttl}"`);
  const pubPath = options.get('pub-key');
  const privPath = options.get('priv-key');
  if (signMethod.startsWith('HS')) {
    const secretPath = privPath ?? pubPath;
    if (!secretPath) throw new Error('--auth-token: an HMAC sign-method needs priv-key (the shared secret)');
    const secret = readFileSync(secretPath);
    return { type: 'jwt', signMethod, signKey: secret, verifyKey: secret, ttlMs };
  }
  if (!pubPath && !privPath) throw new Error('--auth-token: jwt needs pub-key and/or priv-key');
  const signKey = privPath ? createPrivateKey(readFileSync(privPath)) : undefined;
  const verifyKey = pubPath ? createPublicKey(readFileSync(pubPath)) : createPublicKey(signKey!);
  return { type: 'jwt', signMethod, signKey, verifyKey, ttlMs };
}

/** A Go duration ("10m", "1h30m", "300s", "500ms"); undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  if (text.length === 0) return undefined;
  while (at < text.length) {
    re.lastIndex = at;
    const match = re.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
    at = re.lastIndex;
  }
  return total;
}

// ---- simple tokens -----------------------------------------------------------------------------------

export function simpleTokenPrefix(): string {
  let prefix = '';
  for (let i = 0; i < SIMPLE_PREFIX_LENGTH; i++) prefix += SIMPLE_PREFIX_LETTERS[randomInt(SIMPLE_PREFIX_LETTERS.length)];
  return prefix;
}

/** The raft index a simple token was issued at, or undefined if it is not shaped like one. */
export function simpleTokenIndex(token: string): number | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const index = Number(token.slice(dot + 1));
  return Number.isSafeInteger(index) && index > 0 ? index : undefined;
}

/** This member's simple tokens: token → user, each expiring `ttlMs` after its last use. */
export class SimpleTokens {
  private readonly tokens = new Map<string, { username: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  assign(token: string, username: string): void {
    this.tokens.set(token, { username, expiresAt: this.now() + this.ttlMs });
  }

  /** The token's user, extending its life; undefined if unknown or expired. */
  use(token: string): string | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.tokens.delete(token);
      return undefined;
    }
    entry.expiresAt = now + this.ttlMs;
    return entry.username;
  }

  invalidateUser(username: string): void {
    for (const [token, entry] of this.tokens) if (entry.username === username) this.tokens.delete(token);
  }

  /** Drops the tokens of users `exists` no longer knows (after a snapshot replaced the auth state). */
  retainUsers(exists: (username: string) => boolean): void {
    for (const [token, entry] of this.tokens) if (!exists(entry.username)) this.tokens.delete(token);
  }

  clear(): void {
    this.tokens.clear();
  }

  get size(): number {
    return this.tokens.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
  }
}

// ---- JWT ---------------------------------------------------------------------------------------------

export interface JwtClaims {
  readonly username: string;
  readonly revision: number;
  /** Seconds since the epoch. */
  readonly exp: number;
}

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class JwtTokens {
  constructor(
    private readonly options: Extract<TokenOptions, { type: 'jwt' }>,
    private readonly now: () => number = Date.now,
  ) {}

  get canSign(): boolean {
    return this.options.signKey !== undefined;
  }

  sign(username: string, revision: number): string {
    const { signMethod, signKey } = this.options;
    if (!signKey) throw new Error('auth: token signing attempted with verify-only key');
    const header = base64url(JSON.stringify({ alg: signMethod, typ: 'JWT' }));
    const claims: JwtClaims = { exp: Math.floor((this.now() + this.options.ttlMs) / 1000), revision, username };
    const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64url(signature(signMethod, signKey, Buffer.from(signingInput)))}`;
  }

  /** The claims of a token this cluster signed and that has not expired; undefined otherwise. */
  verify(token: string): JwtClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
    try {
      const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: unknown };
      if (header.alg !== this.options.signMethod) return undefined;
      const signingInput = Buffer.from(`${headerPart}.${claimsPart}`);
      if (!verifySignature(this.options.signMethod, this.options.verifyKey, signingInput, Buffer.from(signaturePart, 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as Partial<JwtClaims>;
      if (typeof claims.username !== 'string' || typeof claims.revision !== 'number' || typeof claims.exp !== 'number') return undefined;
      if (claims.exp * 1000 <= this.now()) return undefined;
      return { username: claims.username, revision: claims.revision, exp: claims.exp };
    } catch {
      return undefined;
    }
  }
}

function asymmetricOptions(method: JwtSignMethod, key: KeyObject): Parameters<typeof cryptoSign>[2] {
  if (method.startsWith('PS')) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (method.startsWith('ES')) return { key, dsaEncoding: 'ieee-p1363' };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}

function signature(method: JwtSignMethod, key: KeyObject | Buffer, data: Buffer): Buffer {
  const hash = HASHES[method.slice(2)]!;
  if (method.startsWith('HS')) return createHmac(hash, key as Buffer).update(data).digest();
  return cryptoSign(hash, data, asymmetricOptions(method, key as KeyObject));
}

function verifySignature(method: JwtSignMethod, key: KeyObject | Buffer, data: Buffer, sig: Buffer): boolean {
  const hash = HASHES[method.slice(2)]!;
  if (method.startsWith('HS')) {
    const expected = createHmac(hash, key as Buffer).update(data).digest();
    return expected.length === sig.length && timingSafeEqual(expected, sig);
  }
  return cryptoVerify(hash, data, asymmetricOptions(method, key as KeyObject) as Parameters<typeof cryptoVerify>[2], sig);
}
