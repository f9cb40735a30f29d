// How bargectl fails, as etcdctl does: one "Error: ..." line on stderr and etcdctl's exit codes; gRPC
// failures carry the text the Go client would show (etcd's own errors by their message alone).

import { randomUUID } from 'node:crypto';
import { jsonString } from '../../shared/go-strings.js';

export const ExitCode = {
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  BadArgs: 128,
} as const;

/** Ends the command with an exit code; stderr gets `Error: message`, nothing, or the raw text. */
export class CtlError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly mode: 'error' | 'silent' | 'raw' = 'error',
  ) {
    super(message);
  }

  get stderr(): string {
    if (this.mode === 'silent') return '';
    return this.mode === 'raw' ? this.message : `Error: ${this.message}\n`;
  }
}

export function fail(code: number, message: string): never {
  throw new CtlError(code, message);
}

/** Ends with a code and no message (etcdctl's plain os.Exit after printing what it had). */
export function exitWith(code: number): never {
  throw new CtlError(code, '', 'silent');
}

/** A Go runtime panic: the panic line on stderr, exit status 2. */
export function goPanic(message: string): never {
  throw new CtlError(2, `panic: ${message}\n\ngoroutine 1 [running]:\n`, 'raw');
}

// Server error messages the Go client maps to its typed errors (etcd 3.4's rpctypes).
const ETCD_ERRORS = new Set([
  'key is not provided', 'key not found', 'value is provided', 'lease is provided', 'too many operations in txn request',
  'duplicate key given in txn request', 'mvcc: required revision has been compacted', 'mvcc: required revision is a future revision',
  'mvcc: database space exceeded', 'requested lease not found', 'lease already exists', 'too large lease TTL',
  'member ID already exist', 'Peer URLs already exists', 'member not found', 'given member URLs are invalid',
  'request is too large', 'too many requests', 'root user does not exist',
  'root user does not have root role', 'user name already exists', 'user name is empty', 'user name not found',
  'role name already exists', 'role name not found', 'role name is empty', 'authentication failed, invalid user ID or password',
  'permission denied', 'role is not granted to the user', 'permission is not granted to the role', 'authentication is not enabled',
  'invalid auth token', 'invalid auth management', 'revision of auth store is old', 'no leader', 'not leader', 'leader changed',
  'not capable', 'server stopped', 'request timed out', 'request timed out, possibly due to previous leader failure',
  'request timed out, possibly due to connection lost', 'request timed out, waiting for the applied index took too long',
  'unhealthy cluster', 'corrupt cluster', 'bad leader transferee', 're-configuration failed due to not enough started members',
  'can only promote a learner member', 'can only promote a learner member which is in sync with leader',
  'too many learner members in cluster', 'rpc not supported for learner', 'watch canceled',
].map((m) => `etcdserver: ${m}`));

/** gRPC status codes (grpc-go's names, by number). */
export const GrpcCode = { Canceled: 1, Unknown: 2, DeadlineExceeded: 4, ResourceExhausted: 8, FailedPrecondition: 9, Internal: 13, Unavailable: 14 } as const;
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** A failed RPC as the Go client sees it: its code and description. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    /** What the Go client reports instead of the status text (its context's error, say). */
    readonly shown?: string,
  ) {
    super(details);
  }

  static from(err: unknown, deadlinePassed: boolean): RpcError {
    if (err instanceof RpcError) return err;
    const e = err as { code?: unknown; details?: string };
    const code = typeof e.code === 'number' ? e.code : GrpcCode.Unknown;
    const details = e.details ?? (err instanceof Error ? err.message : String(err));
    if (code === GrpcCode.DeadlineExceeded && deadlinePassed) return new RpcError(code, 'context deadline exceeded', 'context deadline exceeded');
    return new RpcError(code, details);
  }

  /** grpc-go's status error text. */
  get statusText(): string {
    return `rpc error: code = ${CODE_NAMES[this.code] ?? `Code(${this.code})`} desc = ${this.details}`;
  }

  /** What etcdctl prints after "Error: ". */
  override toString(): string {
    if (ETCD_ERRORS.has(this.details)) return this.details;
    if (this.shown !== undefined) return this.shown;
    if (this.code === GrpcCode.FailedPrecondition) return 'grpc: the client connection is closing';
    return this.statusText;
  }

  get isEtcdError(): boolean {
    return ETCD_ERRORS.has(this.details);
  }
}

/** What a call or watch fails with when its context is cancelled (SIGINT or SIGTERM in lock and elect). */
export function contextCanceled(): RpcError {
  return new RpcError(GrpcCode.Canceled, 'context canceled', 'context canceled');
}

export const CLIENT_ID = `client-${randomUUID()}`;

function zapTime(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const offset = -now.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}${zone}`;
}

/** The client library's log line for a failed unary call. */
export function warnRetry(target: string, attempt: number, err: RpcError): void {
  process.stderr.write(
    `{"level":"warn","ts":"${zapTime(new Date())}","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":${jsonString(target)},"attempt":${attempt},"error":${jsonString(err.statusText)}}\n`,
  );
}

/** The client library's log line when a new token could not be had after an invalid one. */
export function warnTokenRetry(target: string, err: RpcError): void {
  process.stderr.write(
    `{"level":"warn","ts":"${zapTime(new Date())}","caller":"clientv3/retry_interceptor.go:79","msg":"retrying of unary invoker failed to fetch new auth token","target":${jsonString(target)},"error":${jsonString(err.statusText)}}\n`,
  );
}

/** capnslog's line format (used by the flag-from-environment checks). */
export function capnslog(level: 'W' | 'C', message: string): void {
  const now = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}000`;
  process.stderr.write(`${stamp} ${level} | pkg/flags: ${message}\n`);
}
