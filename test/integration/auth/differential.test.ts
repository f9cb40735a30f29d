// Differential: the same etcdctl user/role/auth sequence against a real etcd 3.4 and against Barge (one
// member each); every command must print the same and exit the same, once ids, addresses, tokens and
// client log lines are masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';

let etcd: ProcessCluster;
let barge: ProcessCluster;

beforeAll(async () => {
  [etcd, barge] = await Promise.all([ProcessCluster.start(1, 'etcd'), ProcessCluster.start(1, 'barge')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), barge?.stop()]);
});

interface Step {
  /** Arguments; a function sees the values captured by earlier steps on the same cluster. */
  readonly args: string[] | ((vars: Record<string, string>) => string[]);
  readonly input?: string;
  /** Saves the first group of this pattern in the step's stdout under the given name. */
  readonly capture?: [string, RegExp];
}

const root = '--user=root:rootpw';
const alice = '--user=alice:alicepw';
const wu = '--user=wu:wupw';

const steps: Step[] = [
  // Before auth is on: anyone manages users and roles.
  { args: ['auth', 'enable'] },
  { args: ['user', 'add', 'root', '--new-user-password=rootpw', '--interactive=false'] },
  { args: ['user', 'get', 'root'] },
  { args: ['role', 'list'] },
  { args: ['user', 'add', 'alice', '--new-user-password=alicepw', '--interactive=false'] },
  { args: ['user', 'add', 'nop', '--no-password'] },
  { args: ['user', 'add', 'alice', '--new-user-password=x', '--interactive=false'] },
  { args: ['user', 'add', '', '--new-user-password=x', '--interactive=false'] },
  { args: ['role', 'add', 'r1'] },
  { args: ['role', 'add', 'r1'] },
  { args: ['role', 'add', ''] },
  { args: ['role', 'grant-permission', 'r1', 'readwrite', '/app/', '--prefix'] },
  { args: ['role', 'grant-permission', 'r1', 'read', '/ro/', '--prefix'] },
  { args: ['role', 'grant-permission', 'r1', 'write', 'k1', 'k5'] },
  { args: ['role', 'grant-permission', 'r1', 'read', 'single'] },
  { args: ['role', 'grant-permission', 'r1', 'read', '--from-key', 'zz'] },
  { args: ['role', 'grant-permission', 'r1', 'readwrite', '/app/', '--prefix'] },
  { args: ['role', 'grant-permission', 'nope', 'read', 'a'] },
  { args: ['role', 'grant-permission', 'root', 'read', 'a'] },
  { args: ['role', 'get', 'r1'] },
  { args: ['role', 'get', 'r1', '-w', 'json'] },
  { args: ['role', 'get', 'nope'] },
  { args: ['user', 'grant-role', 'alice', 'r1'] },
  { args: ['user', 'grant-role', 'alice', 'r1'] },
  { args: ['user', 'grant-role', 'alice', 'nope'] },
  { args: ['user', 'grant-role', 'bob', 'r1'] },
  { args: ['user', 'get', 'alice'] },
  { args: ['user', 'get', 'alice', '--detail'] },
  { args: ['user', 'get', 'bob'] },
  { args: ['user', 'list'] },
  { args: ['user', 'list', '-w', 'json'] },
  { args: ['role', 'add', 'r2'] },
  { args: ['role', 'grant-permission', 'r2', 'read', '/app/x'] },
  { args: ['user', 'grant-role', 'alice', 'r2'] },
  { args: ['user', 'revoke-role', 'alice', 'r2'] },
  { args: ['user', 'revoke-role', 'alice', 'r2'] },
  { args: ['user', 'revoke-role', 'bob', 'r2'] },
  { args: ['role', 'revoke-permission', 'r2', '/app/x'] },
  { args: ['role', 'revoke-permission', 'r2', '/app/x'] },
  { args: ['role', 'revoke-permission', 'nope', '/app/x'] },
  { args: ['role', 'delete', 'r2'] },
  { args: ['role', 'delete', 'r2'] },
  { args: ['user', 'passwd', 'bob', '--interactive=false'], input: 'x\n' },
  { args: ['user', 'delete', 'nop'] },
  { args: ['user', 'delete', 'nop'] },
  { args: ['put', '/app/a', 'before'] },
  // etcdctl creates the root role and grants it to root when the server says root lacks it.
  { args: ['auth', 'enable'] },
  { args: ['auth', 'enable'] },
  { args: ['role', 'list'] },
  { args: ['get', '/app/a'] },
  { args: ['put', '/app/a', 'x'] },
  { args: [root, 'role', 'list'] },
  { args: [root, 'role', 'get', 'root'] },
  { args: [root, 'user', 'get', 'root', '--detail'] },
  { args: [root, 'user', 'delete', 'root'] },
  { args: [root, 'role', 'delete', 'root'] },
  { args: [root, 'user', 'revoke-role', 'root', 'root'] },
  { args: [root, 'user', 'add', 'wu:wupw'] },
  { args: [root, 'user', 'add', 'nop2', '--no-password'] },
  { args: [root, 'role', 'add', 'w'] },
  { args: [root, 'role', 'grant-permission', 'w', 'write', '/w/', '--prefix'] },
  { args: [root, 'user', 'grant-role', 'wu', 'w'] },
  // Allowed and denied, by user.
  { args: [alice, 'get', '/app/a'] },
  { args: [alice, 'put', '/app/b', '1'] },
  { args: [alice, 'get', '/app/', '--prefix'] },
  { args: [alice, 'get', '/ro/x'] },
  { args: [alice, 'put', '/ro/x', '1'] },
  { args: [alice, 'put', 'k2', '1'] },
  { args: [alice, 'get', 'k2'] },
  { args: [alice, 'get', '/other'] },
  { args: [alice, 'put', '/other', '1'] },
  { args: [alice, 'get', 'zzz'] },
  { args: [alice, 'get', 'zz', '--from-key'] },
  { args: [alice, 'get', 'z', '--from-key'] },
  { args: [alice, 'del', '/app/', '--prefix', '--prev-kv'] },
  { args: [alice, 'user', 'get', 'alice'] },
  { args: [alice, 'user', 'get', 'root'] },
  { args: [alice, 'role', 'get', 'r1'] },
  { args: [alice, 'role', 'get', 'w'] },
  { args: [alice, 'user', 'list'] },
  { args: [alice, 'user', 'add', 'x:y'] },
  { args: [alice, 'auth', 'disable'] },
  { args: [alice, 'endpoint', 'hashkv'] },
  { args: [alice, 'defrag'] },
  { args: [alice, 'member', 'remove', '1234'] },
  { args: [alice, 'alarm', 'list'] },
  { args: [alice, 'watch', '/other'] },
  { args: [wu, 'put', '/w/a', '1'] },
  { args: [wu, 'put', '/w/a', '2', '--prev-kv'] },
  { args: [wu, 'get', '/w/a'] },
  { args: [wu, 'del', '/w/a', '--prev-kv'] },
  { args: [wu, 'del', '/w/', '--prefix'] },
  { args: [wu, 'del', '/w/', '/w1'] },
  { args: [wu, 'txn'], input: 'mod("/app/a") > "0"\n\nput /w/t 1\n\n\n' },
  { args: [wu, 'txn'], input: '\nput /w/t 1\n\n\n' },
  { args: [wu, 'txn'], input: '\nput /w/t 1\nget /w/t\n\n\n' },
  { args: [wu, 'lease', 'grant', '100'], capture: ['lease', /lease ([0-9a-f]+) granted/] },
  { args: (v) => [wu, 'put', '/w/l', '1', `--lease=${v.lease}`] },
  { args: (v) => [root, 'put', '/elsewhere', '1', `--lease=${v.lease}`] },
  { args: (v) => [wu, 'lease', 'revoke', v.lease!] },
  { args: (v) => [root, 'lease', 'revoke', v.lease!] },
  // Wrong password, unknown user, no password user, password changes and deleted users.
  { args: ['--user=alice:wrong', 'get', '/app/a'] },
  { args: ['--user=nobody:x', 'get', '/app/a'] },
  { args: ['--user=nop2:x', 'get', '/app/a'] },
  { args: [root, 'user', 'passwd', 'alice', '--interactive=false'], input: 'alicepw2\n' },
  { args: [alice, 'get', '/app/a'] },
  { args: ['--user=alice:alicepw2', 'get', '/app/a'] },
  { args: [root, 'user', 'delete', 'wu'] },
  { args: [wu, 'put', '/w/a', '1'] },
  { args: [root, 'role', 'delete', 'r1'] },
  { args: ['--user=alice:alicepw2', 'get', '/app/a'] },
  { args: [root, 'user', 'get', 'alice'] },
  { args: [root, 'auth', 'disable'] },
  { args: ['get', '/app/a'] },
  { args: ['role', 'list'] },
  { args: ['user', 'revoke-role', 'root', 'root'] },
  { args: ['auth', 'enable'] },
  { args: [root, 'user', 'get', 'root'] },
];

/** Masks what legitimately differs between two clusters: ids, addresses, tokens, client log lines. */
function mask(text: string, cluster: ProcessCluster): string {
  let out = text;
  for (const endpoint of cluster.endpoints) out = out.split(endpoint).join('ENDPOINT');
  return out
    .split('\n')
    .filter((line) => !line.startsWith('{"level":'))
    .join('\n')
    .replace(/"(cluster_id|member_id|raft_term|revision)":\d+/g, '"$1":#')
    .replace(/lease [0-9a-f]+/g, 'lease #')
    .replace(/\b[0-9a-f]{16}\b/g, '#');
}

describe('etcdctl user/role/auth against etcd 3.4 and against Barge', () => {
  it('prints the same and exits the same for every command of the sequence', () => {
    const differences: string[] = [];
    const seen: string[] = [];
    const vars = new Map<ProcessCluster, Record<string, string>>([
      [etcd, {}],
      [barge, {}],
    ]);
    const run = (cluster: ProcessCluster, step: Step) => {
      const own = vars.get(cluster)!;
      const args = typeof step.args === 'function' ? step.args(own) : step.args;
      const result = cluster.etcdctl(args, cluster.endpoints, step.input);
      if (step.capture) {
        const match = step.capture[1].exec(result.stdout);
        if (match) own[step.capture[0]] = match[1]!;
      }
      return { args, text: `${result.status}\n${mask(result.stdout, cluster)}\n${mask(result.stderr, cluster)}` };
    };
    for (const step of steps) {
      const a = run(etcd, step);
      const b = run(barge, step);
      seen.push(a.text);
      if (a.text !== b.text) differences.push(`etcdctl ${a.args.join(' ')}\n--- etcd\n${a.text}\n--- barge\n${b.text}`);
    }
    expect(differences).toEqual([]);
    // The sequence really went through allowed and denied paths.
    const all = seen.join('\n');
    for (const text of ['Authentication Enabled', 'etcdserver: permission denied', 'etcdserver: user name is empty', 'invalid user ID or password', 'Role r1', 'SUCCESS']) {
      expect(all).toContain(text);
    }
  }, 300_000);
});
