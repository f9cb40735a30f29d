// The request authenticator: a client certificate, then a bearer token (the token file, then
// ServiceAccount JWTs); with none, system:anonymous when --anonymous-auth, else 401. A credential that
// is presented but fails is a 401 even when anonymous requests are allowed, as upstream.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { StatusError } from '../errors/status.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { ANONYMOUS, withAuthenticatedGroup, type UserInfo } from './user-info.js';
import { authenticateCertificate } from './x509-authenticator.js';

export interface AuthenticatorConfig {
  readonly anonymousAuth: boolean;
  readonly clientCertificates: boolean;
  readonly tokens: ReadonlyMap<string, UserInfo>;
  readonly serviceAccounts?: ServiceAccountTokens;
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
    if (this.config.clientCertificates) {
      const outcome = authenticateCertificate(req.socket as TLSSocket);
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

  private async tokenUser(token: string, failures: string[]): Promise<UserInfo | undefined> {
    const fromFile = this.config.tokens.get(token);
    if (fromFile) return fromFile;
    const outcome = await this.config.serviceAccounts?.authenticate(token, this.config.now());
    if (outcome && 'error' in outcome) failures.push(outcome.error);
    return outcome && 'user' in outcome ? outcome.user : undefined;
  }
}
