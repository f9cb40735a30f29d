import { describe, expect, it } from 'vitest';
import { MergedPermissions, PermissionType, type Permission } from '../../../src/auth/index.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const perm = (permType: PermissionType, key: string, rangeEnd = ''): Permission => ({ permType, key: b(key), rangeEnd: b(rangeEnd) });
const { Read, Write, ReadWrite } = PermissionType;

describe('merged permissions', () => {
  const merged = new MergedPermissions([
    perm(ReadWrite, '/app/', '/app0'),
    perm(Read, 'single'),
    perm(Read, 'k1', 'k3'),
    perm(Read, 'k3', 'k5'),
    perm(Write, 'w'),
    perm(Read, 'zz', '\0'),
  ]);

  it('a single key is allowed when some permission of the kind holds it', () => {
    expect(merged.allows(Read, b('/app/x'), b(''))).toBe(true);
    expect(merged.allows(Write, b('/app/x'), b(''))).toBe(true);
    expect(merged.allows(Read, b('/app0'), b(''))).toBe(false);
    expect(merged.allows(Read, b('single'), b(''))).toBe(true);
    expect(merged.allows(Write, b('single'), b(''))).toBe(false);
    expect(merged.allows(Read, b('singlex'), b(''))).toBe(false);
    expect(merged.allows(Write, b('w'), b(''))).toBe(true);
    expect(merged.allows(Read, b('w'), b(''))).toBe(false);
  });

  it('a range must be covered without gaps, adjacent permissions joining', () => {
    expect(merged.allows(Read, b('/app/'), b('/app0'))).toBe(true);
    expect(merged.allows(Read, b('/app/a'), b('/app/b'))).toBe(true);
    expect(merged.allows(Read, b('/app'), b('/app0'))).toBe(false);
    expect(merged.allows(Read, b('/app/'), b('/app1'))).toBe(false);
    expect(merged.allows(Read, b('k1'), b('k5'))).toBe(true);
    expect(merged.allows(Read, b('k0'), b('k5'))).toBe(false);
    expect(merged.allows(Read, b('k2'), b('k6'))).toBe(false);
    expect(merged.allows(Write, b('k1'), b('k2'))).toBe(false);
  });

  it('"\\0" as range end means every key from the start on, on both sides', () => {
    expect(merged.allows(Read, b('zz'), b('\0'))).toBe(true);
    expect(merged.allows(Read, b('zzz'), b('\0'))).toBe(true);
    expect(merged.allows(Read, b('zy'), b('\0'))).toBe(false);
    expect(merged.allows(Read, b('zz'), b('zzzz'))).toBe(true);
    expect(merged.allows(Read, b('\0'), b('\0'))).toBe(false);
    expect(new MergedPermissions([perm(Read, '\0', '\0')]).allows(Read, b('\0'), b('\0'))).toBe(true);
  });

  it('no permissions allow nothing', () => {
    const none = new MergedPermissions([]);
    expect(none.allows(Read, b('a'), b(''))).toBe(false);
    expect(none.allows(Write, b('a'), b('b'))).toBe(false);
  });
});
