export { hashPassword, verifyPassword } from './password.js';
export { MergedPermissions, PermissionType, type Permission } from './permissions.js';
export { checkDeleteRange, checkLeaseRevoke, checkPut, checkRange, checkTxn, type LeaseKeys } from './request-checks.js';
export { AuthStore, ROOT_ROLE, ROOT_USER, type AuthInfo, type Role, type User } from './store.js';
export {
  DEFAULT_TOKEN_TTL_SECONDS,
  JwtTokens,
  SimpleTokens,
  parseAuthTokenFlag,
  parseDurationMs,
  simpleTokenIndex,
  simpleTokenPrefix,
  type JwtClaims,
  type TokenOptions,
} from './tokens.js';
