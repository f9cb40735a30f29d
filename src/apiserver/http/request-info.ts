// What a resource request asks for, read from its path and method as kube-apiserver's
// RequestInfoFactory reads them: /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and
// /apis/{group}/{version}/... .

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly verb: Verb;
}

/** Subresources of a namespace that are not a namespaced resource's name. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** Whether a request target's path has a `%` not followed by two hex digits, which Go's URL parser rejects. */
export const hasInvalidPathEscape = (target: string): boolean => /%(?![0-9a-fA-F]{2})/.test(target.split('?')[0]!);

/** A path segment unescaped as Go does: escapes are bytes, read as UTF-8 (bad sequences are not an error). */
function unescapeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bytes = segment.replace(/%([0-9a-fA-F]{2})|[^%]+/g, (match: string, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : Buffer.from(match, 'utf8').toString('latin1')));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The resource request a path names, or undefined when it names none (discovery, an unknown path). */
export function resourceRequest(method: string, pathname: string, query: URLSearchParams): ResourceRequest | 'bad-method' | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map(unescapeSegment);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  // `/api/v1/namespaces/{name}` is the namespace itself, not a scope.
  if (resource === 'namespaces') namespace = undefined;
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = verbOf(method, name !== undefined, watch);
  if (!verb) return 'bad-method';
  return { group, version, resource, verb, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource ? { subresource } : {}) };
}
