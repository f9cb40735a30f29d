// A list or watch request's options, checked as kube-apiserver checks ListOptions.

import { badRequest, invalid } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';
import { parseFieldSelector } from '../selection/field-selector.js';
import { parseLabelSelector } from '../selection/label-selector.js';
import type { Scope } from './scope.js';

export interface ListOptions {
  readonly matches: (obj: KubeObject) => boolean;
  /** Fields the field selector requires to equal a value. */
  readonly requiredFields: ReadonlyMap<string, string>;
  /** '' when unset. */
  readonly resourceVersion: string;
  readonly resourceVersionMatch: '' | 'Exact' | 'NotOlderThan';
  readonly limit: number;
  readonly continueToken?: string;
}

function listInvalid(field: string, value: string, detail: string): never {
  throw invalid('meta.k8s.io', 'ListOptions', '', [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field }]);
}

export function revisionOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw badRequest(`invalid resource version: ${value}`);
  return n;
}

export function listOptions(scope: Scope): ListOptions {
  const q = scope.query;
  const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(q.get('fieldSelector') ?? undefined, scope.spec);
  const resourceVersion = q.get('resourceVersion') ?? '';
  if (resourceVersion !== '') revisionOf(resourceVersion);
  const match = q.get('resourceVersionMatch') ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    listInvalid('resourceVersionMatch', match, 'supported values: "Exact", "NotOlderThan"');
  }
  // A streaming list (watch with sendInitialEvents) may ask NotOlderThan "now".
  const streamingList = scope.request.verb === 'watch' && q.get('sendInitialEvents') === 'true';
  if (match !== '' && resourceVersion === '' && !streamingList) {
    throw invalid('meta.k8s.io', 'ListOptions', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' }]);
  }
  const limitText = q.get('limit') ?? '';
  const limit = limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  const continueToken = q.get('continue') || undefined;
  if (continueToken && resourceVersion !== '') throw badRequest('specifying resource version is not allowed when using continue');
  const namespace = scope.request.namespace;
  return {
    matches: (obj) => (!namespace || !scope.spec.namespaced || obj.metadata?.namespace === namespace) && labels(obj.metadata?.labels) && fields.matches(obj),
    requiredFields: fields.required,
    resourceVersion,
    resourceVersionMatch: match as ListOptions['resourceVersionMatch'],
    limit,
    ...(continueToken ? { continueToken } : {}),
  };
}
