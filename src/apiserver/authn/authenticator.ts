// The request authenticator: front-proxy headers from a client the requestheader CA vouches for, a
// client certificate, then a bearer token (the token file, then ServiceAccount JWTs); with none,
// system:anonymous when --anonymous-auth, else 401. A credential that is presented but fails is a 401
// even when anonymous requests are allowed, as upstream.

import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { decodeJwt } from 'jose';
import { StatusError } from '../errors/status.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { ANONYMOUS, withAuthenticatedGroup, type UserInfo } from './user-info.js';
import { authenticateRequestHeader, type RequestHeaderConfig } from './request-header.js';
import { authenticateCertificate, type CertificatePool } from './x509-authenticator.js';

export interface AuthenticatorConfig {
  readonly anonymousAuth: boolean;
  /** --client-ca-file's CAs, when client certificates are taken. */
  readonly clientCa?: CertificatePool;
  readonly requestHeader?: RequestHeaderConfig;
  readonly tokens: ReadonlyMap<string, UserInfo>;
  readonly serviceAccounts?: ServiceAccountTokens;
  /** --api-audiences: what a token is for when its TokenReview names no audience. */
  readonly apiAudiences: readonly string[];
  readonly now: () => Date;
  readonly log: (msg: string, fields: Record<string, unknown>) => void;
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** The bearer token, if any: other schemes (Basic) and an empty token are no credential, as upstream reads them. */
function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** kube-apiserver's default token cache: a token that authenticated is taken for 10 s; failures are not kept. */
export const TOKEN_SUCCESS_CACHE_TTL_MS = 10_000;

/** When a JWT says it expires (ms since the epoch); undefined for other tokens. */
function tokenExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return exp === undefined ? undefined : exp * 1000;
  } catch {
    return undefined;
  }
}

export class RequestAuthenticator {
  /**
   * Bearer tokens that authenticated lately, by an HMAC of the token under a key of this process (as kube's
   * token cache keys them: no token kept in memory). A ServiceAccount token's signature check and account
   * lookups are most of what authenticating a controller's request costs, and they repeat every request.
   */
  private readonly tokenCache = new Map<string, { user: UserInfo; until: number }>();
  private readonly tokenCacheKey = randomBytes(32);
  private tokenCacheSweepAt = 1024;

  constructor(private readonly config: AuthenticatorConfig) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    const failures: string[] = [];
    const { requestHeader, clientCa } = this.config;
    // Both read the connection's certificate, verified once per connection.
    const certificates = [requestHeader && authenticateRequestHeader(req, requestHeader), clientCa && authenticateCertificate(req.socket as TLSSocket, clientCa)];
    for (const outcome of certificates) {
      if (outcome && 'user' in outcome) return withAuthenticatedGroup(outcome.user);
      if (outcome) failures.push(outcome.error);
    }
    const token = bearerToken(req);
    if (token !== undefined) {
      const user = await this.tokenUser(token, failures);
      if (user) return withAuthenticatedGroup(user);
      failures.push('invalid bearer token');
    }
    if (failures.length > 0 || !this.config.anonymousAuth) {
      if (failures.length > 0) this.config.log('Unable to authenticate the request', { errors: failures });
      throw unauthorized();
    }
    return ANONYMOUS;
  }

  /**
   * A TokenReview: whom a request bearing the token would be, for `requested` audiences (the API's when
   * none). The token file's tokens are for the API alone (kube's audience-agnostic wrapper).
   */
  async reviewToken(token: string, requested: readonly string[]): Promise<{ user?: UserInfo; audiences?: readonly string[]; error?: string }> {
    const audiences = requested.length > 0 ? requested : this.config.apiAudiences;
    const implicit = this.config.apiAudiences.filter((a) => audiences.includes(a));
    const fromFile = this.config.tokens.get(token);
    if (fromFile && audiences.length === 0) return { user: withAuthenticatedGroup(fromFile) };
    if (fromFile && implicit.length > 0) return { user: withAuthenticatedGroup(fromFile), audiences: implicit };
    const outcome = await this.config.serviceAccounts?.authenticate(token, this.config.now(), audiences);
    if (outcome && 'user' in outcome) return { user: withAuthenticatedGroup(outcome.user), ...(audiences.length > 0 ? { audiences: outcome.audiences } : {}) };
    return { error: outcome ? outcome.error : 'invalid bearer token' };
  }

  private async tokenUser(token: string, failures: string[]): Promise<UserInfo | undefined> {
    const fromFile = this.config.tokens.get(token);
    if (fromFile) return fromFile;
    const at = this.config.now();
    const now = at.getTime();
    const key = createHmac('sha256', this.tokenCacheKey).update(token).digest('base64');
    const cached = this.tokenCache.get(key);
    if (cached && cached.until > now) return cached.user;
    const outcome = await this.config.serviceAccounts?.authenticate(token, at);
    if (outcome && 'error' in outcome) failures.push(outcome.error);
    if (!outcome || !('user' in outcome)) return undefined;
    this.rememberToken(key, outcome.user, Math.min(now + TOKEN_SUCCESS_CACHE_TTL_MS, tokenExpiry(token) ?? Infinity), now);
    return outcome.user;
  }

  private rememberToken(key: string, user: UserInfo, until: number, now: number): void {
    // Entries live 10 s: sweeping the expired ones whenever the map has doubled keeps it near the live set.
    if (this.tokenCache.size >= this.tokenCacheSweepAt) {
      for (const [k, entry] of this.tokenCache) if (entry.until <= now) this.tokenCache.delete(k);
      this.tokenCacheSweepAt = Math.max(1024, 2 * this.tokenCache.size);
    }
    this.tokenCache.set(key, { user, until });
  }
}
