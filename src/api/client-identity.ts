// Who a client proved to be at the TLS handshake, for authentication: with --client-cert-auth a client
// presents a certificate signed by --trusted-ca-file, and etcd takes its Common Name as the user name
// when a request carries no token. Both front ends expose it the same way: a gRPC call's
// getAuthContext() (grpc-js), and the same method on the calls the JSON gateway makes.

import type { Duplex } from 'node:stream';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { AuthInfo } from '../auth/index.js';
import type { EtcdServer } from '../server/etcd-server.js';

/** grpc-js's AuthContext: set only for a TLS connection whose client certificate was verified. */
export interface ClientAuthContext {
  readonly transportSecurityType?: string;
  readonly sslPeerCertificate?: PeerCertificate;
}

/** A call from either front end (a grpc-js server call, or one the gateway makes). */
export interface AuthContextCall {
  getAuthContext?(): ClientAuthContext | null;
  /** gRPC metadata; the auth token is under "token" (or "authorization", as the gateway forwards it). */
  readonly metadata?: { get(key: string): unknown[] };
}

/** The auth token a call carries. */
export function tokenOf(call: AuthContextCall): string | undefined {
  const value = call.metadata?.get('token')[0] ?? call.metadata?.get('authorization')[0];
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : undefined;
}

const NOBODY = Promise.resolve(undefined);

/**
 * Who a call comes from, for the auth checks: its token's user, or its verified certificate's name; nobody
 * while auth is off, without looking at either (grpc-js works out a call's auth context anew each time).
 */
export function callerOf(server: EtcdServer, call: AuthContextCall): Promise<AuthInfo | undefined> {
  if (!server.auth.enabled) return NOBODY;
  return server.authInfo(tokenOf(call), clientCommonName(call));
}

/** Membership and maintenance calls take the root role when auth is on. */
export async function checkAdmin(server: EtcdServer, call: AuthContextCall): Promise<void> {
  const caller = await callerOf(server, call);
  if (caller) server.auth.checkAdmin(caller);
}

/**
 * The Common Name of the client certificate verified at this call's TLS handshake, or undefined: a
 * plain connection, no client certificate asked for (no --client-cert-auth), or a certificate without
 * a CN. This is the name CN-based authentication uses.
 */
export function clientCommonName(call: AuthContextCall): string | undefined {
  const certificate = call.getAuthContext?.()?.sslPeerCertificate ?? tlsConnectionContext(call)?.sslPeerCertificate;
  const cn = certificate?.subject?.CN as string | string[] | undefined;
  const name = Array.isArray(cn) ? cn[0] : cn;
  return name === undefined || name === '' ? undefined : name;
}

/** The auth context of a TLS socket, as grpc-js computes it: a peer certificate only once verified. */
export function authContextOfSocket(socket: TLSSocket): ClientAuthContext {
  if (!socket.authorized) return {};
  const certificate = socket.getPeerCertificate();
  return { transportSecurityType: 'ssl', sslPeerCertificate: certificate.raw ? certificate : undefined };
}

/**
 * The auth contexts of the TLS connections on the client port, by a tag the front end adds to the headers
 * of every request it passes to grpc-js (see http2-split-connection.ts): grpc-js reads a call's auth
 * context from the socket it was given, and there it is given a stream standing in for the TLS socket.
 */
const tlsConnections = new Map<string, ClientAuthContext>();
let lastTag = 0;

/** The request header carrying the tag; the front end drops any a client sends. */
export const CONNECTION_TAG_HEADER = 'barge-tls-connection';

/** Registers `socket`'s auth context while it is open: the tag to add to its requests' headers. */
export function tagTlsConnection(socket: TLSSocket): string {
  const tag = String(++lastTag);
  tlsConnections.set(tag, authContextOfSocket(socket));
  socket.once('close', () => tlsConnections.delete(tag));
  return tag;
}

function tlsConnectionContext(call: AuthContextCall): ClientAuthContext | undefined {
  const tag = call.metadata?.get(CONNECTION_TAG_HEADER)[0];
  return typeof tag === 'string' ? tlsConnections.get(tag) : undefined;
}

const AUTH_CONTEXT = Symbol('client auth context');

/** Marks the stream the HTTP/1.1 server reads a TLS connection through with that connection's auth context. */
export function attachAuthContext(stream: Duplex, socket: TLSSocket): void {
  (stream as Duplex & { [AUTH_CONTEXT]?: ClientAuthContext })[AUTH_CONTEXT] = authContextOfSocket(socket);
}

/** The auth context of an HTTP/1.1 request's connection (empty for a plain one). */
export function authContextOfConnection(stream: object): ClientAuthContext {
  return (stream as { [AUTH_CONTEXT]?: ClientAuthContext })[AUTH_CONTEXT] ?? {};
}
