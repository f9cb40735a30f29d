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
  /** grpc-js's "address:port" of the client. */
  getPeer?(): string;
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
  const certificate = call.getAuthContext?.()?.sslPeerCertificate ?? tlsPeerContext(call)?.sslPeerCertificate;
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
 * The auth contexts of the TLS connections on the client port, by the peer grpc-js names: grpc-js reads a
 * call's from the socket it was given, and on those connections it is given a stream standing in for
 * the TLS socket (see http2-split-connection.ts).
 */
const tlsPeers = new Map<string, ClientAuthContext>();

const peerOf = (address: string | undefined, port: number | undefined): string => `${address}:${port}`;

/** Makes `socket`'s auth context the one of the grpc-js calls it carries, while it is open. */
export function registerTlsPeer(socket: TLSSocket): void {
  const peer = peerOf(socket.remoteAddress, socket.remotePort);
  tlsPeers.set(peer, authContextOfSocket(socket));
  socket.once('close', () => tlsPeers.delete(peer));
}

function tlsPeerContext(call: AuthContextCall): ClientAuthContext | undefined {
  return call.getPeer === undefined ? undefined : tlsPeers.get(call.getPeer());
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
