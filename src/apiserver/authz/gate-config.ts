// What the apiserver's gate is configured with, kept apart from the code that parses the flags and the
// authorizers that use it, so the apiserver's options can name it without importing either.

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

/** Front-proxy authentication (kube-apiserver's --requestheader-* flags), on when the CA file is given. */
export interface RequestHeaderOptions {
  readonly clientCaFile: string;
  readonly allowedNames: readonly string[];
  readonly usernameHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeadersPrefixes: readonly string[];
}

export interface GateOptions {
  readonly clientCaFile?: string;
  readonly requestHeader?: RequestHeaderOptions;
  readonly tokenAuthFile?: string;
  readonly serviceAccountKeyFiles: readonly string[];
  readonly serviceAccountSigningKeyFile?: string;
  readonly serviceAccountIssuers: readonly string[];
  readonly apiAudiences: readonly string[];
  readonly anonymousAuth: boolean;
  readonly authorizationModes: readonly AuthorizationMode[];
  readonly admissionPlugins: readonly string[];
  /** Audit events go to this file, as the policy file says (both needed, as for kube-apiserver). */
  readonly auditLogPath?: string;
  readonly auditPolicyFile?: string;
}

/** kube-apiserver's defaults: anonymous requests allowed, every request authorized (AlwaysAllow). */
export const DEFAULT_GATE_OPTIONS: GateOptions = { serviceAccountKeyFiles: [], serviceAccountIssuers: [], apiAudiences: [], anonymousAuth: true, authorizationModes: ['AlwaysAllow'], admissionPlugins: [] };
