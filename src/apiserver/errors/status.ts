// Kubernetes' metav1.Status errors with the reasons, codes and messages kube-apiserver gives them
// (k8s.io/apimachinery/pkg/api/errors), so kubectl and client libraries print and branch on them as usual.

import type { FieldCause } from '../schema/types.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Expired'
  | 'Gone'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'NotAcceptable'
  | 'Unauthorized'
  | 'Forbidden'
  | 'TooManyRequests'
  | 'Timeout'
  | 'InternalError'
  | 'ServiceUnavailable'
  /** StatusReasonUnknown: left out of the Status. */
  | '';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** The resource an error is about, as Status details name it: its plural (or Kind for Invalid) and group. */
export interface Qualified {
  readonly group: string;
  readonly resource: string;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** A continue token some 410s carry in the Status' metadata. */
    readonly continueToken?: string,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.continueToken ? { continue: this.continueToken } : {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods` or `deployments.apps`, as messages name a resource. */
export function qualifiedName(q: Qualified): string {
  return q.group === '' ? q.resource : `${q.resource}.${q.group}`;
}

function details(q: Qualified, name: string): StatusDetails {
  return { name, ...(q.group !== '' ? { group: q.group } : {}), kind: q.resource };
}

export function notFound(q: Qualified, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedName(q)} "${name}" not found`, details(q, name));
}

export function alreadyExists(q: Qualified, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedName(q)} "${name}" already exists`, details(q, name));
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(q: Qualified, name: string, why: string = OBJECT_MODIFIED): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": ${why}`, details(q, name));
}

/** 422: `Pod "x" is invalid: spec.containers: Required value` (several causes in brackets). */
export function invalid(group: string, kind: string, name: string, causes: readonly FieldCause[]): StatusError {
  const each = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = each.length === 1 ? each[0]! : `[${each.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
    name,
    ...(group !== '' ? { group } : {}),
    kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function expired(message: string, continueToken?: string): StatusError {
  return new StatusError(410, 'Expired', message, undefined, continueToken);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

/** apierrors.NewForbidden: `<resource> "<name>" is forbidden: <why>` (without the name when there is none yet). */
export function forbidden(q: Qualified, name: string, why: string): StatusError {
  return new StatusError(403, 'Forbidden', `${qualifiedName(q)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, details(q, name));
}

export function methodNotAllowed(method: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, { causes: [{ message: method }] });
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
  );
}

export function tooLarge(limit: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function timeout(message: string): StatusError {
  return new StatusError(504, 'Timeout', message);
}

export function internal(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** Any failure as a Status: a StatusError as it is, anything else a 500. */
export function asStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : internal(err);
}
