// The media type of an answer, negotiated as kube-apiserver does (NegotiateMediaTypeOptions): the Accept
// clauses by quality then specificity, the first one naming a type the resource is served in wins; none
// is a 406. Built-in kinds are served in JSON, YAML and protobuf; a kind without a protobuf message
// here only in JSON and YAML, as kube serves custom resources, so `protobuf, json` gets JSON. YAML has
// no stream form: a watch that negotiates it is a 406 naming the stream types.

import type { IncomingMessage } from 'node:http';
import { StatusError } from '../errors/status.js';
import { parseAccept } from '../http/negotiation.js';
import { PROTOBUF_MEDIA_TYPE } from './decode.js';

export type OutputFormat = 'json' | 'yaml' | 'protobuf';

export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

const WITH_PROTOBUF = ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE];
const WITHOUT_PROTOBUF = ['application/json', 'application/yaml'];

function matches(range: string, type: string): boolean {
  if (range === '*/*') return true;
  const [rangeType, rangeSubtype] = range.split('/');
  const [mainType, subtype] = type.split('/');
  return rangeType === mainType && (rangeSubtype === subtype || rangeSubtype === '*');
}

const quality = (params: Readonly<Record<string, string>>): number => {
  const q = Number(params['q'] ?? '1');
  return Number.isNaN(q) ? 0 : q;
};
const specificity = (type: string): number => (type.startsWith('*/') ? 0 : type.endsWith('/*') ? 1 : 2);

/** JSON or protobuf for this Accept header; a 406 Status when it names nothing the resource is served in. */
export function outputFormat(accept: string | undefined, protobuf: boolean): OutputFormat {
  const supported = protobuf ? WITH_PROTOBUF : WITHOUT_PROTOBUF;
  const ranges = parseAccept(accept).filter((range) => range.type !== '');
  if (ranges.length === 0) return 'json';
  const ordered = ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => quality(b.range.params) - quality(a.range.params) || specificity(b.range.type) - specificity(a.range.type) || a.index - b.index)
    .map(({ range }) => range);
  for (const { type: range, params } of ordered) {
    for (const type of supported) {
      if (!matches(range, type)) continue;
      if (params['stream'] !== undefined && params['stream'] !== 'watch') continue;
      // A conversion (`as=Table`, `as=PartialObjectMetadata`) is never made in protobuf here (kube makes Tables only in JSON and YAML).
      if (type === PROTOBUF_MEDIA_TYPE && params['as'] !== undefined) continue;
      return type === PROTOBUF_MEDIA_TYPE ? 'protobuf' : type === 'application/yaml' ? 'yaml' : 'json';
    }
  }
  throw notAcceptable(supported);
}

const notAcceptable = (supported: readonly string[]): StatusError =>
  new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${supported.join(', ')}`);

/** The media type of a watch: as outputFormat, but YAML (which has no stream form) is refused. */
export function streamFormat(accept: string | undefined, protobuf: boolean): OutputFormat {
  const format = outputFormat(accept, protobuf);
  if (format !== 'yaml') return format;
  throw notAcceptable(['application/json;stream=watch', ...(protobuf ? [`${PROTOBUF_MEDIA_TYPE};stream=watch`] : [])]);
}

const jsonOnlyRequests = new WeakSet<IncomingMessage>();

/** Marks a request for a resource served in JSON only, so that its errors are JSON too. */
export function markJsonOnly(req: IncomingMessage): void {
  jsonOnlyRequests.add(req);
}

/** The media type of a Status error for this request: JSON when its Accept negotiates to nothing, as kube writes it. */
export function statusFormat(req: IncomingMessage): OutputFormat {
  try {
    return outputFormat(req.headers.accept, !jsonOnlyRequests.has(req));
  } catch (err) {
    if (err instanceof StatusError) return 'json';
    throw err;
  }
}
