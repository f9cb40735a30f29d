// DeleteOptions, from the body or the query, as kube-apiserver reads them.

import { badRequest } from '../errors/status.js';
import { decodeJson, readBody } from '../http/request-body.js';
import type { Scope } from './scope.js';

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

const POLICIES = ['Background', 'Foreground', 'Orphan'];

export async function deleteOptions(scope: Scope): Promise<DeleteOptions> {
  const body = await readBody(scope.req);
  const fromBody = body.length > 0 ? (decodeJson(body) as Record<string, unknown>) : {};
  const q = scope.query;
  const grace = q.get('gracePeriodSeconds') ?? (fromBody['gracePeriodSeconds'] as number | undefined);
  const policy = q.get('propagationPolicy') ?? (fromBody['propagationPolicy'] as string | undefined) ?? (fromBody['orphanDependents'] === true ? 'Orphan' : undefined);
  if (policy !== undefined && !POLICIES.includes(policy)) {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  const graceSeconds = grace === undefined || grace === null ? undefined : Number(grace);
  if (graceSeconds !== undefined && !Number.isInteger(graceSeconds)) throw badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
  const preconditions = fromBody['preconditions'] as DeleteOptions['preconditions'];
  return {
    ...(graceSeconds !== undefined ? { gracePeriodSeconds: Math.max(0, graceSeconds) } : {}),
    ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] } : {}),
    ...(preconditions ? { preconditions } : {}),
  };
}
