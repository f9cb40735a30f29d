// The gate every request passes before it reaches a handler: authentication, impersonation, then
// authorization (kube-apiserver's WithAuthentication, WithImpersonation and WithAuthorization
// filters). It also answers the review and TokenRequest endpoints that need no storage.

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAuthenticator } from '../authn/authenticator.js';
import { publishAuthenticationInfo } from '../authn/authentication-configmap.js';
import { CertificatePool } from '../authn/x509-authenticator.js';
import { impersonate } from '../authn/impersonation.js';
import { ServiceAccountTokens } from '../authn/service-account-tokens.js';
import { readTokenFile } from '../authn/token-file.js';
import type { UserInfo } from '../authn/user-info.js';
import type { ApiContext } from '../context.js';
import type { ResourceRequest } from '../http/request-info.js';
import { forbiddenError, nonResourceAttributes, resourceAttributes, type Attributes } from './attributes.js';
import { UnionAuthorizer } from './authorizers.js';
import { escalationCheck } from './escalation-check.js';
import { reconcileBootstrapPolicy } from './bootstrap-reconcile.js';
import type { GateOptions } from './gate-config.js';
import { NodeAuthorizer } from './node-authorizer.js';
import { CachedNodeGraph } from './node-graph.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { CachedRbacObjects } from './rbac-source.js';
import { serveReview, type ReviewContext } from './review-endpoints.js';

/** Who each request acts as, for the handlers that need it (admission, audit). */
const requestUsers = new WeakMap<IncomingMessage, UserInfo>();

export function userOf(req: IncomingMessage): UserInfo | undefined {
  return requestUsers.get(req);
}

/** The attributes kube's RequestInfoFactory gives a request: a namespace's own name is its namespace. */
export function requestAttributes(user: UserInfo, method: string, path: string, request: ResourceRequest | undefined): Attributes {
  if (!request) return nonResourceAttributes(user, method.toLowerCase(), path);
  const namespace = request.resource === 'namespaces' && request.name !== undefined ? request.name : request.namespace;
  return resourceAttributes(user, { ...request, ...(namespace !== undefined ? { namespace } : {}) }, path);
}

export class RequestGate {
  private constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly authorizer: UnionAuthorizer,
    private readonly reviews: ReviewContext,
    /** Options for the HTTPS server: ask for client certificates and verify them against the client CA. */
    readonly tlsOptions: { requestCert: boolean; rejectUnauthorized: false; ca?: string },
  ) {}

  /** Reads the credential files, reconciles the bootstrap policy when RBAC is on, and starts the RBAC caches. */
  static async start(ctx: ApiContext, options: GateOptions, generatedClientCa: string | undefined): Promise<RequestGate> {
    const clientCa = options.clientCaFile ? readFileSync(options.clientCaFile, 'utf8') : generatedClientCa;
    const live = async (namespace: string, kind: 'serviceaccounts' | 'pods', name: string) => {
      const spec = ctx.registry.find('', 'v1', kind);
      if (!spec) return undefined;
      const stored = await ctx.store.get(ctx.store.key(spec.storagePath, namespace, name));
      return stored && !stored.obj.metadata?.deletionTimestamp ? stored.obj : undefined;
    };
    const uidOf = async (namespace: string, kind: 'serviceaccounts' | 'pods', name: string): Promise<string | undefined> => (await live(namespace, kind, name))?.metadata?.uid;
    const pod = async (namespace: string, name: string) => {
      const found = await live(namespace, 'pods', name);
      const spec = found?.['spec'] as { serviceAccountName?: string } | undefined;
      return found?.metadata?.uid ? { uid: found.metadata.uid, serviceAccountName: spec?.serviceAccountName ?? '' } : undefined;
    };
    const keyFiles = options.serviceAccountKeyFiles.length > 0 ? options.serviceAccountKeyFiles : options.serviceAccountSigningKeyFile ? [options.serviceAccountSigningKeyFile] : [];
    const serviceAccounts =
      options.serviceAccountIssuers.length > 0 && keyFiles.length > 0
        ? ServiceAccountTokens.fromFiles({ issuers: options.serviceAccountIssuers, audiences: options.apiAudiences, keyFiles, ...(options.serviceAccountSigningKeyFile ? { signingKeyFile: options.serviceAccountSigningKeyFile } : {}) }, uidOf)
        : undefined;
    const requestHeader = options.requestHeader && { ...options.requestHeader, clientCa: new CertificatePool(readFileSync(options.requestHeader.clientCaFile, 'utf8')) };
    const authenticator = new RequestAuthenticator({
      anonymousAuth: options.anonymousAuth,
      ...(clientCa !== undefined ? { clientCa: new CertificatePool(clientCa) } : {}),
      ...(requestHeader ? { requestHeader } : {}),
      tokens: options.tokenAuthFile ? readTokenFile(options.tokenAuthFile) : new Map(),
      ...(serviceAccounts ? { serviceAccounts } : {}),
      apiAudiences: options.apiAudiences,
      now: ctx.now,
      log: (msg, fields) => ctx.options.log('warn', msg, fields),
    });
    await publishAuthenticationInfo(ctx, { ...(clientCa !== undefined ? { clientCa } : {}), ...(requestHeader ? { requestHeader: { ...requestHeader, clientCa: requestHeader.clientCa.pem } } : {}) });
    // The admission plugins' start work (the system PriorityClasses) runs with the gate's.
    await ctx.admission?.start(ctx);
    let rbac: RbacAuthorizer | undefined;
    if (options.authorizationModes.includes('RBAC')) {
      await reconcileBootstrapPolicy(ctx);
      rbac = new RbacAuthorizer(await CachedRbacObjects.start(ctx));
    }
    const node = options.authorizationModes.includes('Node') ? new NodeAuthorizer(await CachedNodeGraph.start(ctx)) : undefined;
    const authorizer = new UnionAuthorizer(options.authorizationModes, rbac, node);
    if (rbac) ctx.admission?.append(escalationCheck(authorizer, rbac));
    if (ctx.admission) ctx.admission.authorizer = authorizer;
    const reviews: ReviewContext = { authorizer, authenticator, ...(serviceAccounts ? { serviceAccounts } : {}), serviceAccountUid: (ns, name) => uidOf(ns, 'serviceaccounts', name), pod, now: ctx.now };
    // The handshake trusts every client CA; each authenticator then checks that its own signed the certificate.
    const trusted = [clientCa, requestHeader?.clientCa.pem].filter((pem): pem is string => pem !== undefined);
    return new RequestGate(authenticator, authorizer, reviews, { requestCert: trusted.length > 0, rejectUnauthorized: false, ...(trusted.length > 0 ? { ca: trusted.join('\n') } : {}) });
  }

  private async allowed(a: Attributes): Promise<{ allowed: boolean; reason: string }> {
    const result = await this.authorizer.authorize(a);
    return { allowed: result.decision === 'allow', reason: result.reason };
  }

  /**
   * Lets the request through (false: a handler serves it), answers it itself (true), or throws the
   * 401/403 Status that stops it.
   */
  async admit(req: IncomingMessage, res: ServerResponse, path: string, request: ResourceRequest | undefined): Promise<boolean> {
    const requester = await this.authenticator.authenticate(req);
    const user = await impersonate(req, requester, async (a) => (await this.allowed(a)).allowed);
    requestUsers.set(req, user);
    const attributes = requestAttributes(user, req.method ?? 'GET', path, request);
    const decision = await this.allowed(attributes);
    if (!decision.allowed) throw forbiddenError(attributes, decision.reason);
    return request ? serveReview(this.reviews, user, request, req, res) : false;
  }
}
