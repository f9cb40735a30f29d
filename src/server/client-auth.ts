// Who a client request comes from (etcd's AuthInfoFromCtx): the user behind its token, simple or JWT, or
// without one the Common Name of its verified client certificate; and the tokens this member issued.

import { DEFAULT_TOKEN_TTL_SECONDS, JwtTokens, SimpleTokens, simpleTokenIndex, type AuthInfo, type AuthStore } from '../auth/index.js';
import { Errors } from '../etcd-errors.js';
import type * as pb from '../wire/messages.js';
import { requestTimeoutMs, type ServerConfig } from './server-config.js';

export interface ClientAuthDeps {
  readonly config: ServerConfig;
  auth(): AuthStore;
  appliedIndex(): number;
  waitApplied(index: number): Promise<void>;
}

export class ClientAuth {
  /** This member's simple tokens (simple token mode). */
  readonly simpleTokens: SimpleTokens | undefined;
  /** The JWT signer and verifier (jwt token mode). */
  readonly jwt: JwtTokens | undefined;

  constructor(private readonly deps: ClientAuthDeps) {
    const tokens = deps.config.authToken ?? { type: 'simple', ttlMs: DEFAULT_TOKEN_TTL_SECONDS * 1000 };
    if (tokens.type === 'simple') this.simpleTokens = new SimpleTokens(tokens.ttlMs);
    else this.jwt = new JwtTokens(tokens);
  }

  /**
   * Who a request comes from: undefined while auth is off (nothing is checked); without a token, the
   * verified certificate's Common Name, or an empty user (revision 0); throws invalid auth token for a
   * token this member does not know or that expired. A simple token from an entry this member has not
   * applied yet is waited for, as etcd does.
   */
  async authInfo(token: string | undefined, certificateName?: string): Promise<AuthInfo | undefined> {
    const auth = this.deps.auth();
    if (!auth.enabled) return undefined;
    if (token === undefined || token.length === 0) return { username: certificateName ?? '', revision: certificateName ? auth.revision : 0 };
    if (this.jwt) {
      const claims = this.jwt.verify(token);
      if (!claims) throw Errors.invalidAuthToken();
      return { username: claims.username, revision: claims.revision };
    }
    const index = simpleTokenIndex(token);
    if (index === undefined) throw Errors.invalidAuthToken();
    if (index > this.deps.appliedIndex()) {
      const reached = await Promise.race([
        this.deps.waitApplied(index).then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), requestTimeoutMs(this.deps.config)).unref()),
      ]);
      if (!reached) throw Errors.invalidAuthToken();
    }
    const username = this.simpleTokens?.use(token);
    if (username === undefined) throw Errors.invalidAuthToken();
    return { username, revision: this.deps.auth().revision };
  }

  /** After a snapshot replaced the auth state: tokens of users it no longer has go, and all when auth is off. */
  retainValidTokens(auth: AuthStore): void {
    this.simpleTokens?.retainUsers((name) => auth.user(name) !== undefined);
    if (!auth.enabled) this.simpleTokens?.clear();
  }

  close(): void {
    this.simpleTokens?.close();
  }
}

/** The header a client's proposal carries, checked against the auth state when it applies. */
export function authHeader(info: AuthInfo | undefined): pb.AuthHeaderInit {
  return { username: info?.username ?? '', revision: info?.revision ?? 0 };
}
