// Writing answers to resource requests in the negotiated media type: an object as itself (JSON, YAML or
// protobuf), or as a Table when a JSON or YAML client asked for one; warnings as `Warning: 299 - "..."` headers.

import { writeJson, writeProtobuf, writeYaml } from '../http/respond.js';
import { tableVersion } from '../http/negotiation.js';
import { encodeKubernetesProtobuf, hasProtobufMessage, Unencodable } from '../protobuf/encode.js';
import { outputFormat, streamFormat, type OutputFormat } from '../protobuf/negotiate.js';
import type { KubeObject } from '../schema/types.js';
import { includeObjectParam, toTable } from '../table/table.js';
import { apiVersionOf, type Scope } from './scope.js';

export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

/** JSON, YAML or protobuf, as the client's Accept header and the resource allow (a 406 Status when none); a watch has no YAML. */
export function responseFormat(scope: Scope): OutputFormat {
  const negotiate = scope.request.verb === 'watch' ? streamFormat : outputFormat;
  return negotiate(scope.req.headers.accept, hasProtobufMessage(apiVersionOf(scope.spec), scope.spec.kind));
}

/** The Table version a JSON client asked for (the kind's for /status; none for other subresources, which answer their own kind). */
export function tableAsked(scope: Scope): string | undefined {
  if ((scope.request.subresource && scope.request.subresource !== 'status') || responseFormat(scope) === 'protobuf') return undefined;
  return tableVersion(scope.req.headers.accept);
}

/** An object, a list or a Status in the negotiated media type (JSON for one this server cannot write as protobuf). */
export function writeNegotiated(scope: Scope, code: number, body: KubeObject, headers: Record<string, string | string[]> = {}): void {
  const format = responseFormat(scope);
  if (format === 'yaml') return writeYaml(scope.res, code, body, headers);
  if (format === 'protobuf') {
    try {
      writeProtobuf(scope.res, code, encodeKubernetesProtobuf(body), headers);
      return;
    } catch (err) {
      if (!(err instanceof Unencodable)) throw err;
    }
  }
  writeJson(scope.res, code, body, headers);
}

export function writeObject(scope: Scope, code: number, obj: KubeObject, warnings: readonly string[] = []): void {
  const version = tableAsked(scope);
  const body = version
    ? toTable(scope.spec, [obj], { apiVersion: version, includeObject: includeObjectParam(scope.query.get('includeObject')), now: scope.ctx.now(), listMeta: { resourceVersion: obj.metadata?.resourceVersion ?? '' } })
    : obj;
  writeNegotiated(scope, code, body, warningHeaders(warnings));
}
