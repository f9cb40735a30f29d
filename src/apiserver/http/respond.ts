// Writing answers: JSON, YAML and protobuf bodies and Status errors, with the headers kube-apiserver sends.

import type { ServerResponse } from 'node:http';
import { asStatusError } from '../errors/status.js';
import { PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';
import { encodeKubernetesProtobuf, Unencodable } from '../protobuf/encode.js';
import { statusFormat } from '../protobuf/negotiate.js';
import { goYaml } from './go-yaml.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function writeYaml(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = goYaml(body);
  res.writeHead(code, { 'Content-Type': 'application/yaml', 'Cache-Control': 'no-cache, private', ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function writeProtobuf(res: ServerResponse, code: number, body: Buffer, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(code, { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Cache-Control': 'no-cache, private', ...headers, 'Content-Length': body.length });
  res.end(body);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** What Go's HTTP server answers a request it cannot parse (such as a malformed URL), closing the connection. */
export function writeUnparsableRequest(res: ServerResponse): void {
  const text = '400 Bad Request';
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any failure as kube-apiserver answers it: a Status with the code, reason and message, in the media type asked for. */
export function writeError(res: ServerResponse, err: unknown): void {
  const status = asStatusError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = status.toStatus();
  const format = statusFormat(res.req);
  if (format === 'yaml') return writeYaml(res, status.code, body);
  if (format === 'protobuf') {
    try {
      return writeProtobuf(res, status.code, encodeKubernetesProtobuf(body));
    } catch (err) {
      if (!(err instanceof Unencodable)) throw err;
    }
  }
  writeJson(res, status.code, body);
}
