// Who a request acts as, in kube-apiserver's terms (k8s.io/apiserver/pkg/authentication/user).

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export const ANONYMOUS_USER = 'system:anonymous';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_MASTERS = 'system:masters';

/** Every authenticated user is also in system:authenticated (the group adder kube-apiserver wraps its authenticators in). */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === ANONYMOUS_USER || user.groups.includes(ALL_AUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}

export const ANONYMOUS: UserInfo = { username: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };
