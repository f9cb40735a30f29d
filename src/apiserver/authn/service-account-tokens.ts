// ServiceAccount tokens: JWTs signed with --service-account-signing-key-file and checked against the
// keys of --service-account-key-file, carrying kube's private `kubernetes.io` claim. A bound token is
// good only while the ServiceAccount (and pod) it names still exist with the uid it was issued for.

import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import type { UserInfo } from './user-info.js';

export interface BoundObject {
  readonly name: string;
  readonly uid: string;
}

/** kube's private claims (pkg/serviceaccount/claims.go). */
interface KubernetesClaim {
  readonly namespace: string;
  readonly serviceaccount: BoundObject;
  readonly pod?: BoundObject;
}

export interface TokenRequestInput {
  readonly namespace: string;
  readonly serviceAccount: BoundObject;
  readonly pod?: BoundObject;
  readonly audiences: readonly string[];
  readonly expirationSeconds: number;
  readonly now: Date;
}

/** Whether the objects a token is bound to still exist with the uids it names. */
export type LivenessCheck = (namespace: string, kind: 'serviceaccounts' | 'pods', name: string) => Promise<string | undefined>;

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

function algorithmOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
  }
  throw new Error(`unsupported service account key type ${String(key.asymmetricKeyType)}`);
}

/** Every PEM block of a key file as a public key (private keys are reduced to theirs, as upstream accepts both). */
export function publicKeysFromPem(text: string): KeyObject[] {
  const blocks = text.match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g) ?? [];
  return blocks.map((pem) => (pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem)));
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

export class ServiceAccountTokens {
  constructor(
    private readonly issuers: readonly string[],
    /** The audiences the apiserver accepts (--api-audiences; the first issuer when not given). */
    private readonly audiences: readonly string[],
    private readonly verifyKeys: readonly KeyObject[],
    private readonly signingKey: KeyObject | undefined,
    private readonly alive: LivenessCheck,
  ) {}

  static fromFiles(options: { issuers: readonly string[]; audiences: readonly string[]; keyFiles: readonly string[]; signingKeyFile?: string }, alive: LivenessCheck): ServiceAccountTokens {
    const keys = options.keyFiles.flatMap((f) => publicKeysFromPem(readFileSync(f, 'utf8')));
    const signing = options.signingKeyFile ? createPrivateKey(readFileSync(options.signingKeyFile, 'utf8')) : undefined;
    return new ServiceAccountTokens(options.issuers, options.audiences, keys, signing, alive);
  }

  get canIssue(): boolean {
    return this.signingKey !== undefined && this.issuers.length > 0;
  }

  get defaultAudiences(): readonly string[] {
    return this.audiences;
  }

  async issue(input: TokenRequestInput): Promise<{ token: string; expiration: Date }> {
    if (!this.signingKey || this.issuers.length === 0) throw new Error('the service account token signer is not configured');
    const issuedAt = Math.floor(input.now.getTime() / 1000);
    const expiry = issuedAt + input.expirationSeconds;
    const claim: KubernetesClaim = { namespace: input.namespace, serviceaccount: input.serviceAccount, ...(input.pod ? { pod: input.pod } : {}) };
    const token = await new SignJWT({ 'kubernetes.io': claim })
      .setProtectedHeader({ alg: algorithmOf(this.signingKey) })
      .setIssuer(this.issuers[0]!)
      .setSubject(serviceAccountUsername(input.namespace, input.serviceAccount.name))
      .setAudience([...input.audiences])
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(expiry)
      .setJti(randomUUID())
      .sign(this.signingKey);
    return { token, expiration: new Date(expiry * 1000) };
  }

  /**
   * Undefined when the token is not a JWT from one of our issuers (another authenticator may know it); an
   * error when it is one but fails. `audiences` are the ones asked for (a TokenReview's), the API's by
   * default; the user comes with those of them the token names.
   */
  async authenticate(token: string, now: Date, audiences: readonly string[] = this.audiences): Promise<{ user: UserInfo; audiences: string[] } | { error: string } | undefined> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    if (issuer === undefined || !this.issuers.includes(issuer)) return undefined;
    const verified = await this.verify(token, now, audiences);
    if ('error' in verified) return verified;
    const claim = verified.claim;
    const saUid = await this.alive(claim.namespace, 'serviceaccounts', claim.serviceaccount.name);
    if (saUid === undefined) return { error: `service account ${claim.namespace}/${claim.serviceaccount.name} has been deleted` };
    if (saUid !== claim.serviceaccount.uid) return { error: `service account UID (${claim.serviceaccount.uid}) does not match claim (${saUid})` };
    if (claim.pod) {
      const podUid = await this.alive(claim.namespace, 'pods', claim.pod.name);
      if (podUid === undefined || podUid !== claim.pod.uid) return { error: `pod ${claim.namespace}/${claim.pod.name} has been deleted` };
    }
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${verified.jti}`] };
    if (claim.pod) Object.assign(extra, { 'authentication.kubernetes.io/pod-name': [claim.pod.name], 'authentication.kubernetes.io/pod-uid': [claim.pod.uid] });
    return {
      audiences: verified.audiences.filter((a) => audiences.includes(a)),
      user: {
        username: serviceAccountUsername(claim.namespace, claim.serviceaccount.name),
        uid: claim.serviceaccount.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${claim.namespace}`],
        extra,
      },
    };
  }

  private async verify(token: string, now: Date, audiences: readonly string[]): Promise<{ claim: KubernetesClaim; jti: string; audiences: string[] } | { error: string }> {
    let lastError = 'no service account public keys are configured';
    for (const key of this.verifyKeys) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: [...this.issuers], audience: [...audiences], currentDate: now });
        const claim = payload['kubernetes.io'] as KubernetesClaim | undefined;
        if (!claim?.namespace || !claim.serviceaccount?.name) return { error: 'service account token claims are incomplete' };
        return { claim, jti: payload.jti ?? '', audiences: typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []) };
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    return { error: lastError };
  }
}
