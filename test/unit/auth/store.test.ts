import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthStore, PermissionType, hashPassword, verifyPassword } from '../../../src/auth/index.js';
import { StateBackend } from '../../../src/storage/backend.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function message(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('auth store rules (etcd 3.4)', () => {
  it('enable needs a root user that has the root role', () => {
    const auth = new AuthStore();
    expect(message(() => auth.enable())).toBe('etcdserver: root user does not exist');
    auth.userAdd('root', 'h', false);
    expect(message(() => auth.enable())).toBe('etcdserver: root user does not have root role');
    auth.userGrantRole('root', 'root');
    auth.enable();
    expect(auth.enabled).toBe(true);
  });

  it('root user and role are protected while auth is on', () => {
    const auth = new AuthStore();
    auth.userAdd('root', 'h', false);
    auth.roleAdd('root');
    auth.userGrantRole('root', 'root');
    auth.enable();
    expect(message(() => auth.userDelete('root'))).toBe('etcdserver: invalid auth management');
    expect(message(() => auth.roleDelete('root'))).toBe('etcdserver: invalid auth management');
    expect(message(() => auth.userRevokeRole('root', 'root'))).toBe('etcdserver: invalid auth management');
    auth.disable();
    auth.userRevokeRole('root', 'root');
  });

  it('users and roles: names, duplicates, missing ones, grants and revokes', () => {
    const auth = new AuthStore();
    const start = auth.revision;
    expect(message(() => auth.userAdd('', 'h', false))).toBe('etcdserver: user name is empty');
    expect(message(() => auth.roleAdd(''))).toBe('etcdserver: role name is empty');
    auth.userAdd('alice', 'h', false);
    expect(message(() => auth.userAdd('alice', 'h', false))).toBe('etcdserver: user name already exists');
    auth.roleAdd('r1');
    expect(message(() => auth.roleAdd('r1'))).toBe('etcdserver: role name already exists');
    expect(message(() => auth.userGrantRole('bob', 'r1'))).toBe('etcdserver: user name not found');
    expect(message(() => auth.userGrantRole('alice', 'nope'))).toBe('etcdserver: role name not found');
    auth.userGrantRole('alice', 'r1');
    const afterGrant = auth.revision;
    auth.userGrantRole('alice', 'r1');
    expect(auth.revision).toBe(afterGrant);
    expect(message(() => auth.userRevokeRole('alice', 'r2'))).toBe('etcdserver: role is not granted to the user');
    auth.roleGrantPermission('r1', { permType: PermissionType.Read, key: b('b'), rangeEnd: b('') });
    auth.roleGrantPermission('r1', { permType: PermissionType.Read, key: b('a'), rangeEnd: b('c') });
    auth.roleGrantPermission('r1', { permType: PermissionType.ReadWrite, key: b('b'), rangeEnd: b('') });
    expect(auth.roleGet('r1').permissions.map((p) => [Buffer.from(p.key).toString(), p.permType])).toEqual([
      ['a', PermissionType.Read],
      ['b', PermissionType.ReadWrite],
    ]);
    expect(message(() => auth.roleRevokePermission('r1', b('a'), b('')))).toBe('etcdserver: permission is not granted to the role');
    auth.roleRevokePermission('r1', b('a'), b('c'));
    auth.roleDelete('r1');
    expect(auth.userGet('alice').roles).toEqual([]);
    expect(auth.revision).toBeGreaterThan(start);
  });

  it('permission checks: no token, stale revision, unknown user, root, ranges', () => {
    const auth = new AuthStore();
    auth.userAdd('root', 'h', false);
    auth.userGrantRole('root', 'root');
    auth.userAdd('alice', 'h', false);
    auth.roleAdd('r');
    auth.roleGrantPermission('r', { permType: PermissionType.Read, key: b('/a/'), rangeEnd: b('/a0') });
    auth.userGrantRole('alice', 'r');
    // Everything goes while auth is off.
    auth.checkWrite({ username: '', revision: 0 }, b('x'));
    auth.enable();
    const rev = auth.revision;
    expect(message(() => auth.checkRead({ username: '', revision: 0 }, b('/a/x')))).toBe('etcdserver: user name is empty');
    expect(message(() => auth.checkRead({ username: 'alice', revision: rev - 1 }, b('/a/x')))).toBe('etcdserver: revision of auth store is old');
    expect(message(() => auth.checkRead({ username: 'ghost', revision: rev }, b('/a/x')))).toBe('etcdserver: permission denied');
    auth.checkRead({ username: 'alice', revision: rev }, b('/a/x'));
    auth.checkRead({ username: 'alice', revision: rev }, b('/a/'), b('/a0'));
    expect(message(() => auth.checkWrite({ username: 'alice', revision: rev }, b('/a/x')))).toBe('etcdserver: permission denied');
    auth.checkWrite({ username: 'root', revision: rev }, b('anything'));
    expect(message(() => auth.checkAdmin({ username: 'alice', revision: rev }))).toBe('etcdserver: permission denied');
    expect(message(() => auth.checkAdmin({ username: 'ghost', revision: rev }))).toBe('etcdserver: user name not found');
    expect(message(() => auth.checkAdmin(undefined))).toBe('etcdserver: user name is empty');
    auth.checkAdmin({ username: 'root', revision: rev });
  });

  it('its state survives reopening the backend', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'barge-auth-'));
    dirs.push(dir);
    const backend = await StateBackend.open(join(dir, 'db'));
    const auth = await AuthStore.open(backend);
    auth.userAdd('root', await hashPassword('rootpw'), false);
    auth.userGrantRole('root', 'root');
    auth.userAdd('nop', undefined, true);
    auth.roleAdd('r');
    auth.roleGrantPermission('r', { permType: PermissionType.Write, key: b('k'), rangeEnd: b('\0') });
    auth.enable();
    const revision = auth.revision;
    await backend.commit(1);
    await backend.close();

    const reopened = await AuthStore.open(await StateBackend.open(join(dir, 'db')));
    expect(reopened.enabled).toBe(true);
    expect(reopened.revision).toBe(revision);
    expect(reopened.userNames()).toEqual(['nop', 'root']);
    expect(reopened.userGet('nop').noPassword).toBe(true);
    const root = reopened.userGet('root');
    expect(root.roles).toEqual(['root']);
    expect(root.password).not.toContain('rootpw');
    expect(await verifyPassword('rootpw', root.password!)).toBe(true);
    expect(await verifyPassword('wrong', root.password!)).toBe(false);
    const [p] = reopened.roleGet('r').permissions;
    expect([p!.permType, Buffer.from(p!.key).toString(), [...p!.rangeEnd]]).toEqual([PermissionType.Write, 'k', [0]]);
  });
});
