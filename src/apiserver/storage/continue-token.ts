// The continue token of a paged list, as k8s.io/apiserver/pkg/storage/continue.go makes it: base64url
// (no padding) of {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key below the prefix>"}.

import { badRequest } from '../errors/status.js';

export interface ContinuePosition {
  readonly revision: number;
  /** The next key to read, relative to the list's key prefix. */
  readonly start: string;
}

export function encodeContinue(revision: number, nextKeyRelative: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: nextKeyRelative })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
  if (parsed.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.rv !== 'number' || parsed.rv === 0) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.start !== 'string' || parsed.start.length === 0 || parsed.start.startsWith('/') || parsed.start.includes('..')) {
    throw badRequest('continue key is not valid: encoded start key is not valid');
  }
  return { revision: parsed.rv, start: parsed.start };
}
