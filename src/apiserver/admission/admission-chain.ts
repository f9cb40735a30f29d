// Admission: after an object is decoded, defaulted and validated, the enabled plugins may change it
// (mutating, in order) and then refuse it (validating, in order), as kube-apiserver's admission chain.

import type { UserInfo } from '../authn/user-info.js';
import type { Authorizer } from '../authz/attributes.js';
import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';

export interface AdmissionRequest {
  readonly ctx: ApiContext;
  readonly user: UserInfo | undefined;
  readonly operation: 'CREATE' | 'UPDATE';
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  /** Where the resource's objects are kept (counting them needs it). */
  readonly storagePath: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly obj: KubeObject;
  readonly old?: KubeObject;
  readonly dryRun: boolean;
  /** Where a plugin adds the response's Warning headers (a policy's Warn action). */
  readonly warnings?: string[];
  /** Adds an annotation to the request's audit event (a policy's Audit action). */
  readonly annotate?: (key: string, value: string) => void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Work at server start (objects the plugin relies on). */
  start?(ctx: ApiContext): Promise<void>;
  mutate?(request: AdmissionRequest): Promise<void> | void;
  validate?(request: AdmissionRequest): Promise<void> | void;
}

/** admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`. */
export function admissionForbidden(request: Pick<AdmissionRequest, 'group' | 'resource' | 'name'>, why: string): StatusError {
  const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
  return new StatusError(403, 'Forbidden', `${qualified} "${request.name}" is forbidden: ${why}`, { name: request.name, ...(request.group ? { group: request.group } : {}), kind: request.resource });
}

export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[];
  /** The server's authorizers, which CEL's `authorizer` asks (set once the gate is built). */
  authorizer: Authorizer | undefined;

  constructor(plugins: readonly AdmissionPlugin[]) {
    this.plugins = [...plugins];
  }

  /** Adds a plugin that runs after the configured ones (the RBAC escalation check). */
  append(plugin: AdmissionPlugin): void {
    this.plugins.push(plugin);
  }

  async start(ctx: ApiContext): Promise<void> {
    for (const p of this.plugins) await p.start?.(ctx);
  }

  async admit(request: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) await p.mutate?.(request);
    for (const p of this.plugins) await p.validate?.(request);
  }
}
