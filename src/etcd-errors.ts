// The errors etcd clients tell apart by gRPC status code and exact message. Lower layers throw these;
// the gRPC layer sends code and message through unchanged.

/** gRPC status codes, numbered as on the wire. */
export enum GrpcCode {
  Ok = 0,
  Canceled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}

export class EtcdError extends Error {
  constructor(
    readonly code: GrpcCode,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }
}

function etcdError(code: GrpcCode, message: string): () => EtcdError {
  return () => new EtcdError(code, message);
}

/** Constructors for etcd's errors, named after etcd's ErrGRPC… values. */
export const Errors = {
  emptyKey: etcdError(GrpcCode.InvalidArgument, 'etcdserver: key is not provided'),
  keyNotFound: etcdError(GrpcCode.InvalidArgument, 'etcdserver: key not found'),
  valueProvided: etcdError(GrpcCode.InvalidArgument, 'etcdserver: value is provided'),
  leaseProvided: etcdError(GrpcCode.InvalidArgument, 'etcdserver: lease is provided'),
  tooManyOps: etcdError(GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'),
  duplicateKey: etcdError(GrpcCode.InvalidArgument, 'etcdserver: duplicate key given in txn request'),
  compacted: etcdError(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: etcdError(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: etcdError(GrpcCode.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'),
  corrupt: etcdError(GrpcCode.DataLoss, 'etcdserver: corrupt cluster'),
  unhealthy: etcdError(GrpcCode.Unavailable, 'etcdserver: unhealthy cluster'),
  leaseNotFound: etcdError(GrpcCode.NotFound, 'etcdserver: requested lease not found'),
  leaseExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'),
  leaseTtlTooLarge: etcdError(GrpcCode.OutOfRange, 'etcdserver: too large lease TTL'),
  requestTooLarge: etcdError(GrpcCode.InvalidArgument, 'etcdserver: request is too large'),
  memberExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: member ID already exist'),
  peerUrlExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: re-configuration failed due to not enough started members'),
  memberBadUrls: etcdError(GrpcCode.InvalidArgument, 'etcdserver: given member URLs are invalid'),
  memberNotFound: etcdError(GrpcCode.NotFound, 'etcdserver: member not found'),
  memberNotLearner: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member'),
  learnerNotReady: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member which is in sync with leader'),
  notSupportedForLearner: etcdError(GrpcCode.Unavailable, 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: bad leader transferee'),
  noLeader: etcdError(GrpcCode.Unavailable, 'etcdserver: no leader'),
  notLeader: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: not leader'),
  leaderChanged: etcdError(GrpcCode.Unavailable, 'etcdserver: leader changed'),
  stopped: etcdError(GrpcCode.Unavailable, 'etcdserver: server stopped'),
  timeout: etcdError(GrpcCode.Unavailable, 'etcdserver: request timed out'),
  leaderTransferTimeout: etcdError(GrpcCode.Unavailable, 'etcdserver: request timed out, leader transfer took too long'),
  rootUserNotExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: root user does not exist'),
  rootRoleNotExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: root user does not have root role'),
  userAlreadyExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: user name already exists'),
  userEmpty: etcdError(GrpcCode.InvalidArgument, 'etcdserver: user name is empty'),
  userNotFound: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: user name not found'),
  roleAlreadyExist: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: role name already exists'),
  roleNotFound: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: role name not found'),
  roleEmpty: etcdError(GrpcCode.InvalidArgument, 'etcdserver: role name is empty'),
  authFailed: etcdError(GrpcCode.InvalidArgument, 'etcdserver: authentication failed, invalid user ID or password'),
  permissionDenied: etcdError(GrpcCode.PermissionDenied, 'etcdserver: permission denied'),
  roleNotGranted: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: role is not granted to the user'),
  permissionNotGranted: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: permission is not granted to the role'),
  authNotEnabled: etcdError(GrpcCode.FailedPrecondition, 'etcdserver: authentication is not enabled'),
  invalidAuthToken: etcdError(GrpcCode.Unauthenticated, 'etcdserver: invalid auth token'),
  invalidAuthMgmt: etcdError(GrpcCode.InvalidArgument, 'etcdserver: invalid auth management'),
  authOldRevision: etcdError(GrpcCode.InvalidArgument, 'etcdserver: revision of auth store is old'),
  // etcd 3.4 sends this one unmapped: gRPC Unknown with the auth layer's own text.
  noPasswordUser: etcdError(GrpcCode.Unknown, 'auth: authentication failed, password was given for no password user'),
} as const;

/**
 * etcd 3.4's Maintenance service passes auth errors on unmapped: gRPC Unknown with the auth layer's text
 * ("auth: permission denied"). This turns one of ours into that form; other errors pass through.
 */
export function unmappedAuthError(err: unknown): unknown {
  if (!(err instanceof EtcdError)) return err;
  const text = UNMAPPED_AUTH_TEXT[err.message];
  return text === undefined ? err : new EtcdError(GrpcCode.Unknown, text);
}

const UNMAPPED_AUTH_TEXT: Record<string, string> = {
  'etcdserver: user name is empty': 'auth: user name is empty',
  'etcdserver: user name not found': 'auth: user not found',
  'etcdserver: permission denied': 'auth: permission denied',
  'etcdserver: invalid auth token': 'auth: invalid auth token',
  'etcdserver: revision of auth store is old': 'auth: revision in header is old',
};

/** An error's text for a log line or a message: its message, or the value itself when it is not an Error. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err) ?? 'undefined';
}

/** `err` itself when it is an Error, else an Error carrying its text (rejections always carry an Error). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(errorText(err));
}
