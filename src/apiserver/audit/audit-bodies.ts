// The request and response bodies an audit event carries at the Request and RequestResponse levels
// (requestObject, responseObject) and the Status a failed request answered (responseStatus). The request
// body is kept when the handler reads it; the response's bytes are seen as they are written. Nothing is
// kept unless an audit log asks for it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';

const requestBodies = new WeakMap<IncomingMessage, Buffer>();
let keepingRequestBodies = false;

/** Called once an audit log exists. */
export function keepRequestBodies(): void {
  keepingRequestBodies = true;
}

/** Called by the body reader with what it read. */
export function keepRequestBody(req: IncomingMessage, body: Buffer): void {
  if (keepingRequestBodies && body.length > 0) requestBodies.set(req, body);
}

type Json = Record<string, unknown>;

/** `body` as the JSON object it encodes (JSON, YAML or Kubernetes protobuf); undefined when it is none. */
function decoded(body: Buffer, contentType: string): Json | unknown[] | undefined {
  try {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (type === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(body);
    const value: unknown = type.endsWith('yaml') ? parseYaml(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Json | unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The request's body as kube logs it (the decoded object, or the patch itself). */
export function requestObjectOf(req: IncomingMessage): Json | unknown[] | undefined {
  const body = requestBodies.get(req);
  return body ? decoded(body, req.headers['content-type'] ?? 'application/json') : undefined;
}

export interface ResponseCapture {
  /** The JSON answer, when it is one (a protobuf answer is not decoded back). */
  object(): Json | unknown[] | undefined;
}

/** The bytes as JSON, when they are (the type is not asked: headers given to writeHead are not readable back). */
function json(bytes: Buffer): Json | unknown[] | undefined {
  if (bytes[0] !== 0x7b && bytes[0] !== 0x5b) return undefined;
  return decoded(bytes, 'application/json');
}

/**
 * Sees what `res` writes: every answer when `all`, else only failures (their Status is small and the
 * event's responseStatus needs it).
 */
export function captureResponse(res: ServerResponse, all: boolean): ResponseCapture {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown): void => {
    if (!all && res.statusCode < 400) return;
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end(...args);
  }) as ServerResponse['end'];
  return {
    object: () => (chunks.length > 0 ? json(Buffer.concat(chunks)) : undefined),
  };
}
