// The request authenticator: front-proxy headers from a client the requestheader CA vouches for, a
// client certificate, then a bearer token (the token file, then ServiceAccount JWTs); with none,
// system:anonymous when --anonymous-auth, else 401. A credential that is presented but fails is a 401
// even when anonymous requests are allowed, as upstream.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
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

export class RequestAuthenticator {
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
    const outcome = await this.config.serviceAccounts?.authenticate(token, this.config.now());
    if (outcome && 'error' in outcome) failures.push(outcome.error);
    return outcome && 'user' in outcome ? outcome.user : undefined;
  }
}
