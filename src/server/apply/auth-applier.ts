// Applies the requests that change the auth state (or, for authenticate, issue a simple token).

import type { SimpleTokens } from '../../auth/index.js';
import { Errors } from '../../etcd-errors.js';
import type { AuthRequest } from '../internal-request.js';
import type { StateMachine } from '../state-machine.js';
import type { Backend } from '../../storage/backend.js';

export function applyAuth(sm: StateMachine<Backend>, tokens: SimpleTokens | undefined, request: AuthRequest, index: number): object {
  const auth = sm.auth;
  switch (request.kind) {
    case 'auth_enable':
      auth.enable();
      return {};
    case 'auth_disable':
      auth.disable();
      tokens?.clear();
      return {};
    case 'authenticate': {
      if (!auth.enabled) throw Errors.authNotEnabled();
      const user = auth.user(request.name);
      if (!user || user.noPassword) throw Errors.authFailed();
      // The entry's index makes the token the same on every member, and tells one that has not applied it yet to wait.
      const token = `${request.simpleToken}.${index}`;
      tokens?.assign(token, request.name);
      return { token };
    }
    case 'user_add':
      auth.userAdd(request.name, request.hashedPassword || undefined, request.noPassword);
      return {};
    case 'user_delete':
      auth.userDelete(request.name);
      tokens?.invalidateUser(request.name);
      return {};
    case 'user_change_password':
      auth.userChangePassword(request.name, request.hashedPassword);
      tokens?.invalidateUser(request.name);
      return {};
    case 'user_grant_role':
      auth.userGrantRole(request.user, request.role);
      return {};
    case 'user_revoke_role':
      auth.userRevokeRole(request.name, request.role);
      return {};
    case 'role_add':
      auth.roleAdd(request.name);
      return {};
    case 'role_delete':
      auth.roleDelete(request.role);
      return {};
    case 'role_grant_permission':
      auth.roleGrantPermission(request.name, { permType: request.permType, key: request.key, rangeEnd: request.rangeEnd });
      return {};
    case 'role_revoke_permission':
      auth.roleRevokePermission(request.role, request.key, request.rangeEnd);
      return {};
  }
}
