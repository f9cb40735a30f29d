// Writing one object back: as itself, or as a one-row Table when the client asked for one; warnings
// as `Warning: 299 - "..."` headers.

import { writeJson } from '../http/respond.js';
import { tableVersion } from '../http/negotiation.js';
import type { KubeObject } from '../schema/types.js';
import { includeObjectParam, toTable } from '../table/table.js';
import type { Scope } from './scope.js';

export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

export function writeObject(scope: Scope, code: number, obj: KubeObject, warnings: readonly string[] = []): void {
  const version = scope.request.subresource ? undefined : tableVersion(scope.req.headers.accept);
  const body = version
    ? toTable(scope.spec, [obj], { apiVersion: version, includeObject: includeObjectParam(scope.query.get('includeObject')), now: scope.ctx.now(), listMeta: { resourceVersion: obj.metadata?.resourceVersion ?? '' } })
    : obj;
  writeJson(scope.res, code, body, warningHeaders(warnings));
}
