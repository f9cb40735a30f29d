// etcd's Auth service. Changes go through raft as entries checked and applied on every member (passwords
// hashed before they are proposed); reads answer from this member's auth state after a linearizable read.
// Authenticate checks the password here, then (simple tokens) proposes the token so every member knows
// it, or (JWT) signs one.

import { hashPassword, simpleTokenPrefix, verifyPassword, type AuthInfo } from '../auth/index.js';
import { Errors } from '../etcd-errors.js';
import type * as pb from '../wire/messages.js';
import type { Proposal } from '../server/internal-request.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { authHeader } from '../server/client-auth.js';
import { callerOf } from './client-identity.js';
import type { UnaryCall, UnaryHandlers } from './unary-call.js';

/** How many times Authenticate tries again when the auth state changed while it checked the password. */
const AUTHENTICATE_ATTEMPTS = 3;

export function authHandlers(s: EtcdServer): UnaryHandlers<pb.AuthMethods> {
  const info = (call: UnaryCall): Promise<AuthInfo | undefined> => callerOf(s, call);

  /** Proposes an auth change on behalf of the caller; the entry checks the caller's root role. */
  const change = async (call: UnaryCall, body: Proposal): Promise<{ header: pb.ResponseHeaderInit }> => {
    const caller = await info(call);
    const outcome = await s.propose({ ...body, auth: authHeader(caller) }, call);
    return { header: s.header(outcome.revision) };
  };

  /** A read of the auth state: current as of the call, by the caller's token. */
  const read = async (call: UnaryCall): Promise<AuthInfo | undefined> => {
    const caller = await info(call);
    await s.linearizableRead();
    return caller;
  };

  return {
    AuthEnable: (call) => change(call, { auth_enable: {} }),
    AuthDisable: (call) => change(call, { auth_disable: {} }),
    AuthStatus: async (call) => {
      await read(call);
      return { header: s.header(), enabled: s.auth.enabled, authRevision: s.auth.revision };
    },
    Authenticate: async (call) => {
      const { name, password } = call.request;
      await s.linearizableRead();
      for (let attempt = 1; ; attempt++) {
        if (!s.auth.enabled) throw Errors.authNotEnabled();
        const checkedAt = s.auth.revision;
        const user = s.auth.user(name);
        if (!user) throw Errors.authFailed();
        if (user.noPassword) throw Errors.noPasswordUser();
        if (user.password === undefined || !(await verifyPassword(password, user.password))) throw Errors.authFailed();
        let token: string;
        let revision = s.header().revision;
        if (s.jwt) {
          if (s.auth.revision !== checkedAt && attempt < AUTHENTICATE_ATTEMPTS) continue;
          token = s.jwt.sign(name, checkedAt);
        } else {
          const outcome = await s.propose({ authenticate: { name, simple_token: simpleTokenPrefix() } }, call);
          token = (outcome.result as { token: string }).token;
          revision = outcome.revision;
          // The user or password may have changed between the check and the entry: check again.
          if (s.auth.revision !== checkedAt && attempt < AUTHENTICATE_ATTEMPTS) continue;
        }
        return { header: s.header(revision), token };
      }
    },
    UserAdd: async (call) => {
      const r = call.request;
      const noPassword = r.options?.no_password === true;
      const hashed = noPassword ? '' : r.hashedPassword || (await hashPassword(r.password, s.config.bcryptCost));
      return change(call, { user_add: { name: r.name, options: { no_password: noPassword }, hashedPassword: hashed } });
    },
    UserDelete: (call) => change(call, { user_delete: { name: call.request.name } }),
    UserChangePassword: async (call) => {
      const r = call.request;
      const hashed = r.hashedPassword || (await hashPassword(r.password, s.config.bcryptCost));
      return change(call, { user_change_password: { name: r.name, hashedPassword: hashed } });
    },
    UserGrantRole: (call) => change(call, { user_grant_role: { user: call.request.user, role: call.request.role } }),
    UserRevokeRole: (call) => change(call, { user_revoke_role: { name: call.request.name, role: call.request.role } }),
    RoleAdd: (call) => change(call, { role_add: { name: call.request.name } }),
    RoleDelete: (call) => change(call, { role_delete: { role: call.request.role } }),
    RoleGrantPermission: (call) => change(call, { role_grant_permission: { name: call.request.name, perm: call.request.perm ?? {} } }),
    RoleRevokePermission: (call) =>
      change(call, { role_revoke_permission: { role: call.request.role, key: call.request.key, range_end: call.request.range_end } }),
    UserGet: async (call) => {
      const caller = await read(call);
      const name = call.request.name;
      // A user may look at itself without the root role.
      if (caller && name !== caller.username) s.auth.checkAdmin(caller);
      return { header: s.header(), roles: [...s.auth.userGet(name).roles] };
    },
    UserList: async (call) => {
      s.auth.checkAdmin(await read(call));
      return { header: s.header(), users: s.auth.userNames() };
    },
    RoleGet: async (call) => {
      const caller = await read(call);
      const name = call.request.role;
      // A user may look at the roles it has without the root role.
      if (caller && !s.auth.hasRole(caller.username, name)) s.auth.checkAdmin(caller);
      // The root role lists only what was granted to it (etcd 3.4 shows none of its implied access).
      const role = s.auth.roleGet(name);
      return {
        header: s.header(),
        perm: role.permissions.map((p) => ({ permType: p.permType, key: p.key, range_end: p.rangeEnd })),
      };
    },
    RoleList: async (call) => {
      s.auth.checkAdmin(await read(call));
      return { header: s.header(), roles: s.auth.roleNames() };
    },
  };
}
