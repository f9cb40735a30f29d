// An API failure carrying the server's metav1.Status, with client-go's apierrors predicates.

import type { Status } from './objects.js';

export class KubeApiError extends Error {
  constructor(
    readonly status: Status,
    readonly method: string,
    readonly path: string,
  ) {
    super(status.message ?? `${method} ${path}: ${status.code}`);
    this.name = 'KubeApiError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** A Status for a response whose body was not one (a proxy's page, an empty body). */
export function statusFromResponse(code: number, body: string): Status {
  try {
    const parsed = JSON.parse(body) as Partial<Status>;
    if (parsed.kind === 'Status') return { ...parsed, code: parsed.code ?? code } as Status;
  } catch {
    // not JSON: fall through to a generic Status, as client-go's newUnstructuredResponseError does
  }
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message: body.trim() || `the server responded with status ${code}`, reason: reasonForCode(code) };
}

function reasonForCode(code: number): string {
  const reasons: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Expired', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' };
  return reasons[code] ?? 'Unknown';
}

function hasReason(error: unknown, reason: string, code: number): boolean {
  return error instanceof KubeApiError && (error.reason === reason || (error.reason === undefined && error.code === code));
}

export const isNotFound = (error: unknown): boolean => hasReason(error, 'NotFound', 404);
export const isAlreadyExists = (error: unknown): boolean => hasReason(error, 'AlreadyExists', 409);
export const isConflict = (error: unknown): boolean => hasReason(error, 'Conflict', 409);
export const isInvalid = (error: unknown): boolean => hasReason(error, 'Invalid', 422);
export const isForbidden = (error: unknown): boolean => hasReason(error, 'Forbidden', 403);
export const isMethodNotSupported = (error: unknown): boolean => hasReason(error, 'MethodNotAllowed', 405);
/** 410: the resourceVersion asked for was compacted (reason Expired, or Gone from older servers). */
export const isResourceExpired = (error: unknown): boolean =>
  error instanceof KubeApiError && (error.code === 410 || error.reason === 'Expired' || error.reason === 'Gone');
