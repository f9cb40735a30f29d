// The auth state every member holds alike: whether auth is on, the auth revision, users (with password
// hashes and roles) and roles (with key permissions). Changes are applied from raft entries in log order
// and staged into the state backend's auth bucket, so they commit with the entry, travel in state
// snapshots and are read back on restart. Rules and errors follow etcd 3.4's auth store.

import { EtcdError, Errors } from '../etcd-errors.js';
import { Bucket, bucketKey, type Backend } from '../storage/backend.js';
import { messageType } from '../wire/proto.js';
import { MergedPermissions, PermissionType, type Permission } from './permissions.js';

export const ROOT_USER = 'root';
export const ROOT_ROLE = 'root';

const UserPb = messageType('authpb.User');
const RolePb = messageType('authpb.Role');

// Keys inside the auth bucket.
const ENABLED_KEY = bucketKey(Bucket.Auth, Buffer.from('m/enabled'));
const REVISION_KEY = bucketKey(Bucket.Auth, Buffer.from('m/revision'));
const USER_PREFIX = 'u/';
const ROLE_PREFIX = 'r/';

export interface User {
  readonly name: string;
  /** The password hash; undefined for a user added with no password. */
  readonly password: string | undefined;
  /** Sorted. */
  readonly roles: readonly string[];
  readonly noPassword: boolean;
}

export interface Role {
  readonly name: string;
  /** Sorted by key. */
  readonly permissions: readonly Permission[];
}

/** Who a request comes from, as its token said: the user and the auth revision it was checked at. */
export interface AuthInfo {
  readonly username: string;
  /** 0 for a request that carried no token. */
  readonly revision: number;
}

export class AuthStore {
  private enabledFlag = false;
  private rev = 1;
  private readonly users = new Map<string, User>();
  private readonly roles = new Map<string, Role>();
  private readonly merged = new Map<string, MergedPermissions>();

  /** `backend` receives staged changes; none when used on its own (tests). */
  constructor(private readonly backend?: Backend) {}

  static async open(backend: Backend): Promise<AuthStore> {
    const store = new AuthStore(backend);
    for await (const [rawKey, value] of backend.scan(Bucket.Auth)) {
      const key = Buffer.from(rawKey).toString('utf8');
      if (key === 'm/enabled') store.enabledFlag = value[0] === 1;
      else if (key === 'm/revision') store.rev = Number(Buffer.from(value).readBigUInt64BE());
      else if (key.startsWith(USER_PREFIX)) {
        const user = decodeUser(value);
        store.users.set(user.name, user);
      } else if (key.startsWith(ROLE_PREFIX)) {
        const role = decodeRole(value);
        store.roles.set(role.name, role);
      }
    }
    return store;
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** The auth revision: one more for every change of users, roles or permissions (and each disable). */
  get revision(): number {
    return this.rev;
  }

  // ---- changes (applied from raft entries) ---------------------------------------------------------

  enable(): void {
    if (this.enabledFlag) return;
    const root = this.users.get(ROOT_USER);
    if (!root) throw Errors.rootUserNotExist();
    if (!root.roles.includes(ROOT_ROLE)) throw Errors.rootRoleNotExist();
    this.enabledFlag = true;
    this.backend?.put(ENABLED_KEY, Uint8Array.of(1));
  }

  disable(): void {
    if (!this.enabledFlag) return;
    this.enabledFlag = false;
    this.backend?.put(ENABLED_KEY, Uint8Array.of(0));
    this.bump();
  }

  /** `passwordHash` undefined with `noPassword`. */
  userAdd(name: string, passwordHash: string | undefined, noPassword: boolean): void {
    if (name.length === 0) throw Errors.userEmpty();
    if (this.users.has(name)) throw Errors.userAlreadyExist();
    this.putUser({ name, password: noPassword ? undefined : passwordHash, roles: [], noPassword });
    this.bump();
  }

  userDelete(name: string): void {
    if (this.enabledFlag && name === ROOT_USER) throw Errors.invalidAuthMgmt();
    if (!this.users.has(name)) throw Errors.userNotFound();
    this.users.delete(name);
    this.backend?.del(userKey(name));
    this.bump();
  }

  userChangePassword(name: string, passwordHash: string): void {
    const user = this.users.get(name);
    if (!user) throw Errors.userNotFound();
    this.putUser({ ...user, password: user.noPassword ? undefined : passwordHash });
    this.bump();
  }

  userGrantRole(name: string, role: string): void {
    const user = this.users.get(name);
    if (!user) throw Errors.userNotFound();
    // etcd lets the root role be granted before it exists (auth enable then creates it).
    if (role !== ROOT_ROLE && !this.roles.has(role)) throw Errors.roleNotFound();
    if (user.roles.includes(role)) return;
    this.putUser({ ...user, roles: [...user.roles, role].sort(byBytes) });
    this.bump();
  }

  userRevokeRole(name: string, role: string): void {
    if (this.enabledFlag && name === ROOT_USER && role === ROOT_ROLE) throw Errors.invalidAuthMgmt();
    const user = this.users.get(name);
    if (!user) throw Errors.userNotFound();
    if (!user.roles.includes(role)) throw Errors.roleNotGranted();
    this.putUser({ ...user, roles: user.roles.filter((r) => r !== role) });
    this.bump();
  }

  roleAdd(name: string): void {
    if (name.length === 0) throw Errors.roleEmpty();
    if (this.roles.has(name)) throw Errors.roleAlreadyExist();
    this.putRole({ name, permissions: [] });
    this.bump();
  }

  roleDelete(name: string): void {
    if (this.enabledFlag && name === ROOT_ROLE) throw Errors.invalidAuthMgmt();
    if (!this.roles.has(name)) throw Errors.roleNotFound();
    this.roles.delete(name);
    this.backend?.del(roleKey(name));
    for (const user of [...this.users.values()]) {
      if (user.roles.includes(name)) this.putUser({ ...user, roles: user.roles.filter((r) => r !== name) });
    }
    this.bump();
  }

  /** Adds the permission, or changes the type of the one with the same key and range end. */
  roleGrantPermission(name: string, perm: Permission): void {
    const role = this.roles.get(name);
    if (!role) throw Errors.roleNotFound();
    const same = (p: Permission): boolean => Buffer.from(p.key).equals(perm.key) && Buffer.from(p.rangeEnd).equals(perm.rangeEnd);
    const permissions = role.permissions.some(same)
      ? role.permissions.map((p) => (same(p) ? { ...p, permType: perm.permType } : p))
      : [...role.permissions, perm].sort((a, b) => Buffer.compare(a.key, b.key));
    this.putRole({ name, permissions });
    this.bump();
  }

  roleRevokePermission(name: string, key: Uint8Array, rangeEnd: Uint8Array): void {
    const role = this.roles.get(name);
    if (!role) throw Errors.roleNotFound();
    const kept = role.permissions.filter((p) => !(Buffer.from(p.key).equals(key) && Buffer.from(p.rangeEnd).equals(rangeEnd)));
    if (kept.length === role.permissions.length) throw Errors.permissionNotGranted();
    this.putRole({ name, permissions: kept });
    this.bump();
  }

  // ---- reads -----------------------------------------------------------------------------------------

  user(name: string): User | undefined {
    return this.users.get(name);
  }

  role(name: string): Role | undefined {
    return this.roles.get(name);
  }

  userGet(name: string): User {
    const user = this.users.get(name);
    if (!user) throw Errors.userNotFound();
    return user;
  }

  roleGet(name: string): Role {
    const role = this.roles.get(name);
    if (!role) throw Errors.roleNotFound();
    return role;
  }

  /** Names in byte order, as etcd lists them. */
  userNames(): string[] {
    return [...this.users.keys()].sort(byBytes);
  }

  roleNames(): string[] {
    return [...this.roles.keys()].sort(byBytes);
  }

  hasRole(user: string, role: string): boolean {
    return this.users.get(user)?.roles.includes(role) ?? false;
  }

  // ---- permission checks -----------------------------------------------------------------------------

  /** Throws unless `info` may read [key, rangeEnd) (a single key when rangeEnd is empty). */
  checkRead(info: AuthInfo, key: Uint8Array, rangeEnd: Uint8Array = new Uint8Array(0)): void {
    this.checkOp(info, key, rangeEnd, PermissionType.Read);
  }

  checkWrite(info: AuthInfo, key: Uint8Array, rangeEnd: Uint8Array = new Uint8Array(0)): void {
    this.checkOp(info, key, rangeEnd, PermissionType.Write);
  }

  private checkOp(info: AuthInfo, key: Uint8Array, rangeEnd: Uint8Array, type: PermissionType.Read | PermissionType.Write): void {
    if (!this.enabledFlag) return;
    if (info.revision === 0) throw Errors.userEmpty();
    if (info.revision < this.rev) throw Errors.authOldRevision();
    const user = this.users.get(info.username);
    if (!user) throw Errors.permissionDenied();
    if (user.roles.includes(ROOT_ROLE)) return;
    if (!this.mergedPermissions(user).allows(type, key, rangeEnd)) throw Errors.permissionDenied();
  }

  /** Throws unless `info` is a user with the root role (anything goes while auth is off). */
  checkAdmin(info: AuthInfo | undefined): void {
    if (!this.enabledFlag) return;
    if (!info || info.username.length === 0) throw Errors.userEmpty();
    const user = this.users.get(info.username);
    if (!user) throw Errors.userNotFound();
    if (!user.roles.includes(ROOT_ROLE)) throw Errors.permissionDenied();
  }

  /** Whether the check passes, for callers that answer a denial their own way. */
  static allows(check: () => void): boolean {
    try {
      check();
      return true;
    } catch (err) {
      if (err instanceof EtcdError) return false;
      throw err;
    }
  }

  private mergedPermissions(user: User): MergedPermissions {
    let merged = this.merged.get(user.name);
    if (!merged) {
      const permissions = user.roles.flatMap((name) => this.roles.get(name)?.permissions ?? []);
      merged = new MergedPermissions(permissions);
      this.merged.set(user.name, merged);
    }
    return merged;
  }

  // ---- persistence -----------------------------------------------------------------------------------

  private bump(): void {
    this.rev++;
    this.merged.clear();
    const value = Buffer.alloc(8);
    value.writeBigUInt64BE(BigInt(this.rev));
    this.backend?.put(REVISION_KEY, value);
  }

  private putUser(user: User): void {
    this.users.set(user.name, user);
    this.backend?.put(userKey(user.name), encodeUser(user));
  }

  private putRole(role: Role): void {
    this.roles.set(role.name, role);
    this.backend?.put(roleKey(role.name), encodeRole(role));
  }
}

function userKey(name: string): Uint8Array {
  return bucketKey(Bucket.Auth, Buffer.from(USER_PREFIX + name, 'utf8'));
}

function roleKey(name: string): Uint8Array {
  return bucketKey(Bucket.Auth, Buffer.from(ROLE_PREFIX + name, 'utf8'));
}

function encodeUser(user: User): Uint8Array {
  return UserPb.encode({
    name: Buffer.from(user.name, 'utf8'),
    password: Buffer.from(user.password ?? '', 'utf8'),
    roles: [...user.roles],
    options: { no_password: user.noPassword },
  }).finish();
}

function decodeUser(bytes: Uint8Array): User {
  const pb = UserPb.decode(bytes);
  const noPassword = pb.options?.no_password === true;
  return {
    name: pb.name.toString('utf8'),
    password: noPassword ? undefined : pb.password.toString('utf8'),
    roles: pb.roles,
    noPassword,
  };
}

function encodeRole(role: Role): Uint8Array {
  return RolePb.encode({
    name: Buffer.from(role.name, 'utf8'),
    keyPermission: role.permissions.map((p) => ({ permType: p.permType, key: p.key, range_end: p.rangeEnd })),
  }).finish();
}

function decodeRole(bytes: Uint8Array): Role {
  const pb = RolePb.decode(bytes);
  return {
    name: pb.name.toString('utf8'),
    permissions: pb.keyPermission.map((p) => ({
      permType: p.permType as PermissionType,
      key: p.key,
      rangeEnd: p.range_end,
    })),
  };
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
