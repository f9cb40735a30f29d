// The static token file, certificate subjects, ServiceAccount JWTs and impersonation checks.

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { RequestAuthenticator, TOKEN_SUCCESS_CACHE_TTL_MS } from '../../../../src/apiserver/authn/authenticator.js';
import { impersonationChecks } from '../../../../src/apiserver/authn/impersonation.js';
import { ServiceAccountTokens, type LivenessCheck } from '../../../../src/apiserver/authn/service-account-tokens.js';
import { parseTokenFile } from '../../../../src/apiserver/authn/token-file.js';
import { withAuthenticatedGroup } from '../../../../src/apiserver/authn/user-info.js';
import { userFromCertificate } from '../../../../src/apiserver/authn/x509-authenticator.js';

describe('parseTokenFile', () => {
  it('reads token,user,uid and the quoted group list', () => {
    const tokens = parseTokenFile('t1,alice,1001,"devs,qa"\n\nt2,bob,1002\n');
    expect(tokens.get('t1')).toEqual({ username: 'alice', uid: '1001', groups: ['devs', 'qa'] });
    expect(tokens.get('t2')).toEqual({ username: 'bob', uid: '1002', groups: [] });
  });

  it('refuses a line with fewer than three columns', () => {
    expect(() => parseTokenFile('t1,alice\n', 'tokens.csv')).toThrow("token file 'tokens.csv' must have at least 3 columns (token, user name, user uid), found 2 on line 1");
  });
});

describe('certificates and groups', () => {
  it.each([
    [{ CN: 'kubernetes-admin', O: 'system:masters' }, { user: { username: 'kubernetes-admin', groups: ['system:masters'] } }],
    [{ CN: 'system:node:n1', O: ['system:nodes', 'x'] }, { user: { username: 'system:node:n1', groups: ['system:nodes', 'x'] } }],
    [{ O: 'g' }, { error: 'common name of the provided x509 certificate is empty' }],
  ])('%j', (subject, outcome) => {
    expect(userFromCertificate({ subject } as never)).toEqual(outcome);
  });

  it('adds system:authenticated to every user but anonymous', () => {
    expect(withAuthenticatedGroup({ username: 'a', groups: ['g'] }).groups).toEqual(['g', 'system:authenticated']);
    expect(withAuthenticatedGroup({ username: 'system:anonymous', groups: ['system:unauthenticated'] }).groups).toEqual(['system:unauthenticated']);
  });
});

describe('ServiceAccount tokens', () => {
  const issuer = 'https://kubernetes.default.svc';
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const accounts = new Map([['team/bot', 'uid-1']]);
  const alive: LivenessCheck = async (ns, _kind, name) => accounts.get(`${ns}/${name}`);
  const tokens = new ServiceAccountTokens([issuer], [issuer], [keys.publicKey], keys.privateKey, alive);
  const now = new Date('2026-01-01T00:00:00Z');
  const issue = (audiences = [issuer], seconds = 3600) => tokens.issue({ namespace: 'team', serviceAccount: { name: 'bot', uid: 'uid-1' }, audiences, expirationSeconds: seconds, now });

  it('authenticates a token it issued as the account', async () => {
    const { token, expiration } = await issue();
    expect(expiration.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    const outcome = await tokens.authenticate(token, now);
    expect(outcome).toMatchObject({ user: { username: 'system:serviceaccount:team:bot', uid: 'uid-1', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] } });
  });

  it.each([
    ['expired', async () => (await issue(undefined, 600)).token, new Date('2026-01-01T00:11:00Z'), /"exp" claim timestamp check failed/],
    ['for another audience', async () => (await issue(['other'])).token, now, /unexpected "aud" claim value/],
    ['signed by another key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return (await new ServiceAccountTokens([issuer], [issuer], [other.publicKey], other.privateKey, alive).issue({ namespace: 'team', serviceAccount: { name: 'bot', uid: 'uid-1' }, audiences: [issuer], expirationSeconds: 3600, now })).token;
    }, now, /signature verification failed/],
  ])('refuses a token %s', async (_name, make, at, error) => {
    const outcome = await tokens.authenticate(await make(), at);
    expect(outcome && 'error' in outcome ? outcome.error : '').toMatch(error);
  });

  it('refuses a token whose account was deleted or re-created', async () => {
    const { token } = await issue();
    accounts.set('team/bot', 'uid-2');
    expect(await tokens.authenticate(token, now)).toEqual({ error: 'service account UID (uid-1) does not match claim (uid-2)' });
    accounts.delete('team/bot');
    expect(await tokens.authenticate(token, now)).toEqual({ error: 'service account team/bot has been deleted' });
    accounts.set('team/bot', 'uid-1');
  });

  it('leaves tokens that are not its JWTs to other authenticators', async () => {
    expect(await tokens.authenticate('not-a-jwt', now)).toBeUndefined();
  });

  it("takes a token that authenticated for kube's 10 s, never past its expiry, and does not keep failures", async () => {
    let clock = now.getTime();
    let lookups = 0;
    const counted = new ServiceAccountTokens([issuer], [issuer], [keys.publicKey], keys.privateKey, async (...args) => {
      lookups++;
      return alive(...args);
    });
    const authenticator = new RequestAuthenticator({ anonymousAuth: false, tokens: new Map(), serviceAccounts: counted, apiAudiences: [issuer], now: () => new Date(clock), log: () => {} });
    const request = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, socket: {} }) as unknown as IncomingMessage;
    const username = async (token: string) => (await authenticator.authenticate(request(token))).username;

    const { token } = await issue();
    expect(await username(token)).toBe('system:serviceaccount:team:bot');
    expect(lookups).toBe(1);
    accounts.delete('team/bot');
    clock += TOKEN_SUCCESS_CACHE_TTL_MS - 1;
    expect(await username(token)).toBe('system:serviceaccount:team:bot');
    expect(lookups).toBe(1);
    clock += 1;
    await expect(authenticator.authenticate(request(token))).rejects.toMatchObject({ code: 401 });
    await expect(authenticator.authenticate(request(token))).rejects.toMatchObject({ code: 401 });
    expect(lookups).toBe(3);
    accounts.set('team/bot', 'uid-1');

    clock = now.getTime();
    const shortLived = (await tokens.issue({ namespace: 'team', serviceAccount: { name: 'bot', uid: 'uid-1' }, audiences: [issuer], expirationSeconds: 5, now })).token;
    expect(await username(shortLived)).toBe('system:serviceaccount:team:bot');
    clock += 5_000;
    await expect(authenticator.authenticate(request(shortLived))).rejects.toMatchObject({ code: 401 });
  });
});

describe('impersonationChecks', () => {
  it('asks for impersonate on users, groups and service accounts', () => {
    const requester = { username: 'alice', groups: [] };
    const checks = impersonationChecks(requester, { user: 'bob', groups: ['devs'], extra: {} }).map((a) => [a.verb, a.resource, a.namespace, a.name]);
    expect(checks).toEqual([['impersonate', 'users', '', 'bob'], ['impersonate', 'groups', '', 'devs']]);
    const sa = impersonationChecks(requester, { user: 'system:serviceaccount:team:bot', groups: [], extra: {} })[0]!;
    expect([sa.resource, sa.namespace, sa.name]).toEqual(['serviceaccounts', 'team', 'bot']);
  });
});
