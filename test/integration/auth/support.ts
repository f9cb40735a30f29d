// Helpers for the auth integration tests: setting users up with etcdctl and calling the JSON gateway
// with a token.

import type { ClusterMember, ProcessCluster } from '../../support/process-cluster.js';

export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Runs etcdctl and fails loudly unless it exits 0. */
export function ctl(cluster: ProcessCluster, args: string[], endpoints = cluster.endpoints, input?: string): string {
  const result = cluster.etcdctl(args, endpoints, input);
  if (result.status !== 0) throw new Error(`etcdctl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** POSTs to the member's JSON gateway; returns the HTTP status and parsed body. */
export async function gateway(member: ClusterMember, path: string, body: object, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${member.clientUrl}/v3${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: token ? { Authorization: token } : {},
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function authenticate(member: ClusterMember, name: string, password: string): Promise<string> {
  const { status, body } = await gateway(member, '/auth/authenticate', { name, password });
  if (status !== 200) throw new Error(`authenticate ${name}: ${status} ${JSON.stringify(body)}`);
  return body.token as string;
}

/** Polls `check` until it returns true or the time is up. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** root with the root role, alice with readwrite on /app/, then auth on. */
export function setUpUsers(cluster: ProcessCluster): void {
  ctl(cluster, ['user', 'add', 'root:rootpw']);
  ctl(cluster, ['role', 'add', 'root']);
  ctl(cluster, ['user', 'grant-role', 'root', 'root']);
  ctl(cluster, ['role', 'add', 'app']);
  ctl(cluster, ['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix']);
  ctl(cluster, ['user', 'add', 'alice:alicepw']);
  ctl(cluster, ['user', 'grant-role', 'alice', 'app']);
  ctl(cluster, ['auth', 'enable']);
}
