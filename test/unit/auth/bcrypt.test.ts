// bcrypt against hashes other implementations made: Go's x/crypto/bcrypt as etcd 3.4 stores them, and
// OpenBSD's published vectors.

import { describe, expect, it } from 'vitest';
import { bcryptHash, bcryptVerify, isBcryptHash } from '../../../src/auth/bcrypt.js';

describe('bcrypt', () => {
  it('checks passwords against hashes etcd 3.4 stored', () => {
    expect(bcryptVerify('rootpw', '$2a$10$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(true);
    expect(bcryptVerify('pw', '$2a$10$TCErgDiZT5UbjFMst7P7meMlejq06LJZTScK9Y/AYwanL5EfDJmLK')).toBe(true);
    expect(bcryptVerify('rootpW', '$2a$10$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(false);
  });

  it('matches the OpenBSD vectors', () => {
    expect(bcryptVerify('', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.')).toBe(true);
    expect(bcryptVerify('abcdefghijklmnopqrstuvwxyz', '$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC')).toBe(true);
  });

  it('hashes in the format it checks, salted', () => {
    const hash = bcryptHash('secret', 4);
    expect(hash).toMatch(/^\$2a\$04\$/);
    expect(isBcryptHash(hash)).toBe(true);
    expect(bcryptVerify('secret', hash)).toBe(true);
    expect(bcryptVerify('secreT', hash)).toBe(false);
    expect(bcryptHash('secret', 4)).not.toBe(hash);
  });

  it('refuses malformed hashes', () => {
    expect(bcryptVerify('x', 'scrypt$1$2$3$abc$def')).toBe(false);
    expect(bcryptVerify('x', '$2a$99$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(false);
  });
});
