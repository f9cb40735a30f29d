// Request bodies: read up to kube-apiserver's limit (3 MiB; 413 beyond), then JSON or YAML decoded,
// a malformed body being a 400 as the real decoder words it.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { keepRequestBody } from '../audit/audit-bodies.js';
import { badRequest, tooLarge, unsupportedMediaType } from '../errors/status.js';
import { goJsonSyntaxError } from '../patch/go-json-syntax.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  keepRequestBody(req, body);
  return body;
}

/** The media type of a Content-Type header, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export function decodeJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${goJsonSyntaxError(text) ?? (err as Error).message}`);
  }
}

export function decodeYaml(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** What object bodies may be sent as, in kube-apiserver's order. */
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE];

/** An object body (POST, PUT): JSON, YAML or Kubernetes protobuf as the client labelled it; any other type is a 415. */
export function decodeObjectBody(body: Buffer, contentType: string): Record<string, unknown> {
  if (contentType !== '' && !OBJECT_MEDIA_TYPES.includes(contentType)) throw unsupportedMediaType(contentType, OBJECT_MEDIA_TYPES);
  if (contentType === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(body);
  const value = contentType === 'application/yaml' ? decodeYaml(body) : decodeJson(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('Object \'Kind\' is missing in \'' + body.toString('utf8').slice(0, 200) + '\'');
  return value as Record<string, unknown>;
}
