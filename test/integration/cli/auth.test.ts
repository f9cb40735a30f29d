// Differential: auth, user and role commands and --user/--password, through etcdctl 3.4 and bargectl.
// Each tool runs the same sequence on its own server (twins: two etcd 3.4 members, and two Barge members),
// so every write happens on both; outputs compare after masking what twins differ in (ids, addresses,
// log timestamps, client ids). On Barge the sequence is the auth differential's (test/integration/auth/
// steps.ts) with this file's steps for output formats, password prompts, argument errors and credentials
// around it; on etcd, this file's steps.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { sleep } from '../../support/wait.js';
import { root, steps as authSteps, type Step } from '../auth/steps.js';
import { mask, printed, runTool, type Run, type ScriptStep, type Seen } from './ctl-harness.js';

/** Tokens die after this many seconds idle, so one step can see its token expire mid-command. */
const TOKEN_TTL = 3;

interface CliStep extends Step {
  /** Stdin over time, made for the cluster the tool runs against just before it starts. */
  readonly script?: (cluster: ProcessCluster) => Promise<ScriptStep[]>;
  /** A watch never ends by itself: it is stopped once it printed what this waits for. */
  readonly stopWhen?: (seen: Seen) => boolean;
}

const FORMATS = ['simple', 'json', 'fields', 'table'];
const each = (args: string[]): CliStep[] => FORMATS.map((w) => ({ args: [...args, '-w', w] }));

/** Proposals the (only) member has committed; each token Authenticate issues is one. */
async function committedProposals(cluster: ProcessCluster): Promise<number> {
  const text = await (await fetch(`${cluster.members[0]!.clientUrl}/metrics`)).text();
  return Number(/^etcd_server_proposals_committed_total (\S+)$/m.exec(text)![1]);
}

/**
 * Resolves once the member has committed a proposal after the `before`th: the token of a tool just started
 * (it authenticates before it reads its input). A token's TTL runs from there, not from the tool's start,
 * which on a loaded machine can be seconds earlier for a bargectl. Gives up after 20 s (the step then differs).
 */
async function tokenIssued(cluster: ProcessCluster, before: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  const issued = () => committedProposals(cluster).then((n) => n > before, () => false);
  while (!(await issued()) && Date.now() < deadline) await sleep(20);
}

/** Before auth is on: formats, password input, permission ranges and argument errors. */
const before: CliStep[] = [
  // Passwords: typed twice at the prompt, from stdin with --interactive=false, in the name, from a flag.
  { args: ['user', 'add', 'carol'], input: 'pw\npw\n' },
  { args: ['user', 'add', 'dave'], input: 'pw\npx\n' },
  { args: ['user', 'add', 'dave'], input: '\n' },
  { args: ['user', 'add', 'dave'] },
  { args: ['user', 'add', 'dave', '--interactive=false'], input: '  pw extra\n' },
  { args: ['user', 'add', 'erin', '--interactive=false'], input: '\npw\n' },
  { args: ['user', 'add', ':pw'] },
  { args: ['user', 'add', 'frank:pw:x'] },
  { args: ['user', 'add', 'gina:pw', '--new-user-password=x'] },
  { args: ['user', 'add', 'hank', '--no-password', '--new-user-password=x'] },
  { args: ['user', 'add', 'ivy', '--no-password=false', '--new-user-password=x', '-w', 'json'] },
  { args: ['user', 'add', 'jo:pw', '-w', 'fields'] },
  { args: ['user', 'add', 'kim:pw', '-w', 'table'] },
  { args: ['user', 'add'] },
  { args: ['user', 'add', 'a', 'b'] },
  { args: ['user', 'passwd', 'carol'], input: 'new\nnew\n' },
  { args: ['user', 'passwd', 'carol', '--interactive=false', '-w', 'fields'], input: 'newer\n' },
  { args: ['user', 'passwd', 'nobody', '--interactive=false'], input: 'x\n' },
  { args: ['user', 'passwd'] },
  // Roles and permissions: single keys, ranges, prefixes, from-key, the empty key.
  { args: ['role', 'add', 'fmt', '-w', 'json'] },
  { args: ['role', 'add', 'fmt2', '-w', 'fields'] },
  { args: ['role', 'add', 'fmt3', '-w', 'table'] },
  { args: ['role', 'grant-permission', 'fmt', 'READ', 'a'] },
  { args: ['role', 'grant-permission', 'fmt', 'rw', 'a'] },
  { args: ['role', 'grant-permission', 'fmt', 'write', 'a', 'b', 'c', '-w', 'json'] },
  { args: ['role', 'grant-permission', 'fmt', 'readwrite', '', '--prefix', '-w', 'fields'] },
  { args: ['role', 'grant-permission', 'fmt', 'write', ''] },
  { args: ['role', 'grant-permission', 'fmt', 'write', 'x', ''] },
  { args: ['role', 'grant-permission', 'fmt', 'read', 'z', '--from-key', '-w', 'table'] },
  { args: ['role', 'grant-permission', 'fmt', 'read', '\u00fc\t"q"', '--prefix'] },
  { args: ['role', 'grant-permission', 'fmt', 'read', 'a', 'b', '--prefix'] },
  { args: ['role', 'grant-permission', 'fmt', 'read', 'a', 'b', '--from-key'] },
  { args: ['role', 'grant-permission', 'fmt', 'read', 'a', '--from-key', '--prefix'] },
  { args: ['role', 'grant-permission', 'fmt', 'read', '', '--from-key', '--prefix'] },
  { args: ['role', 'grant-permission', 'fmt'] },
  ...each(['role', 'get', 'fmt']),
  { args: ['role', 'get', 'fmt2', '-w', 'json'] },
  { args: ['user', 'grant-role', 'carol', 'fmt', '-w', 'json'] },
  { args: ['user', 'grant-role', 'carol', 'fmt2', '-w', 'fields'] },
  { args: ['user', 'grant-role', 'carol', 'fmt3', '-w', 'table'] },
  ...each(['user', 'get', 'carol']),
  ...each(['user', 'get', 'carol', '--detail']),
  { args: ['user', 'get', 'dave', '-w', 'json'] },
  ...each(['user', 'list']),
  ...each(['role', 'list']),
  { args: ['role', 'revoke-permission', 'fmt', '', '--prefix'] },
  { args: ['role', 'revoke-permission', 'fmt', 'z', '--from-key', '-w', 'json'] },
  { args: ['role', 'revoke-permission', 'fmt', 'a', 'b', 'c'] },
  { args: ['role', 'revoke-permission', 'fmt', 'a', '-w', 'fields'] },
  { args: ['role', 'revoke-permission', 'fmt', 'x', ''] },
  { args: ['role', 'revoke-permission', 'fmt', '\u00fc\t"q"', '--prefix', '-w', 'table'] },
  { args: ['role', 'revoke-permission', 'fmt'] },
  { args: ['role', 'get', 'fmt'] },
  { args: ['user', 'revoke-role', 'carol', 'fmt2', '-w', 'json'] },
  { args: ['user', 'revoke-role', 'carol', 'fmt3', '-w', 'fields'] },
  { args: ['user', 'revoke-role', 'carol'] },
  { args: ['user', 'grant-role', 'carol'] },
  { args: ['role', 'delete', 'fmt2', '-w', 'json'] },
  { args: ['role', 'delete', 'fmt3', '-w', 'fields'] },
  { args: ['user', 'delete', 'hank', '-w', 'json'] },
  { args: ['user', 'delete', 'ivy', '-w', 'table'] },
  { args: ['role', 'delete'] },
  { args: ['role', 'get'] },
  { args: ['role', 'add'] },
  { args: ['role', 'list', 'x'] },
  { args: ['user', 'list', 'x'] },
  { args: ['user', 'get'] },
  { args: ['user', 'delete'] },
  { args: ['auth', 'enable', 'x'] },
  { args: ['auth', 'disable', 'x'] },
  { args: ['auth', 'disable'] },
];

/** After the shared sequence (which leaves auth off): the ways of giving credentials. */
const after: CliStep[] = [
  { args: ['user', 'grant-role', 'root', 'root'] },
  { args: ['auth', 'enable'] },
  { args: ['--user=root', 'role', 'list'], input: 'rootpw\n' },
  { args: ['--user=root', 'role', 'list'], input: 'wrong\n' },
  { args: ['--user=root', 'role', 'list'] },
  { args: ['--user=root', '--password=rootpw', 'role', 'list', '-w', 'json'] },
  { args: ['--user=root:rootpw', '--password=rootpw', 'role', 'list'] },
  { args: ['--user=root:', 'role', 'list'] },
  { args: ['--user=carol:newer', 'user', 'get', 'carol', '--detail'] },
  { args: ['--user=carol:newer', 'get', 'a'] },
  // The new user's password is asked for before root's.
  { args: ['--user=root', 'user', 'add', 'lee'], input: 'pw\npw\nrootpw\n' },
  { args: ['--user=root', 'user', 'add', 'mo', '--interactive=false'], input: 'pw\nrootpw\n' },
  { args: ['--user=root:rootpw', 'watch', 'a', 'b', '--prefix'] },
  { args: ['--user=root:bad', 'watch', 'a', 'b', '--prefix'] },
  { args: ['--user=root:bad', 'txn'], input: 'bad\n' },
  { args: [root, 'put', 'a', 'watched'] },
  { args: [root, 'watch', 'a', '--rev=1'], stopWhen: (seen) => printed(seen.stdout, 'PUT\na\nwatched\n') },
  { args: (v) => [root, `--endpoints=127.0.0.1:1,${v.endpoint}`, 'role', 'list'] },
  { args: (v) => ['--user=root:bad', `--endpoints=${v.endpoint},127.0.0.1:1`, 'role', 'list'] },
  // The token dies while txn waits for its input: the call fails, a new token is fetched, it goes through.
  { args: [root, 'txn'], script: async (cluster) => [tokenIssued(cluster, await committedProposals(cluster)), (TOKEN_TTL + 2) * 1000, '\nput t 1\n\n\n'] },
  { args: [root, 'auth', 'disable', '-w', 'json'] },
  { args: [root, 'role', 'list'] },
  { args: ['auth', 'enable', '-w', 'fields'] },
];

/**
 * This file's steps (with only the root user the later ones need between them) on etcd and on Barge; the
 * shared auth steps on Barge too, on twins of their own so that the two sequences run at once. On etcd the
 * shared steps' server side needs no proof.
 */
const ownSteps = [...before, { args: ['user', 'add', 'root:rootpw'] }, ...after];

let twins: { etcd: ProcessCluster[]; barge: ProcessCluster[]; bargeShared: ProcessCluster[] };

beforeAll(async () => {
  // The lowest bcrypt cost: every user add, passwd and login hashes, and at cost 10 a loaded machine can keep a
  // member hashing past the tool's 5 s deadline. No step shows a hash, so both tools print the same either way.
  const flags = [`--auth-token-ttl=${TOKEN_TTL}`, '--bcrypt-cost=4'];
  const [e1, e2, b1, b2, b3, b4] = await Promise.all([
    ProcessCluster.start(1, 'etcd', flags),
    ProcessCluster.start(1, 'etcd', flags),
    ...[1, 2, 3, 4].map(() => ProcessCluster.start(1, 'barge', flags)),
  ]);
  twins = { etcd: [e1!, e2!], barge: [b1!, b2!], bargeShared: [b3!, b4!] };
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(twins ?? {}).flat().map((c) => c.stop()));
});

/** One run as text, with what twins differ in masked; stty's complaints (stdin is no terminal) counted. */
function transcript(run: Run, cluster: ProcessCluster): string {
  const endpoint = cluster.endpoints[0]!;
  const clean = (text: string) =>
    mask(text.split(endpoint).join('ENDPOINT'))
      .replace(/"(cluster_id|member_id)":\d+/g, '"$1":#')
      .replace(/"(ClusterID|MemberID)" : \d+/g, '"$1" : #')
      .replace(/\b[0-9a-f]{16}\b/g, '#');
  const stty = run.stderr.split('\n').filter((l) => l.startsWith('stty: '));
  const stderr = run.stderr.split('\n').filter((l) => !l.startsWith('stty: ')).join('\n');
  return `status ${run.status}\n--- stdout\n${clean(run.stdout)}--- stderr\n${clean(stderr)}--- stty ×${stty.length}`;
}

/** Runs the sequence with etcdctl on one twin and bargectl on the other; returns the differences. */
async function differences(pair: ProcessCluster[], sequence: readonly CliStep[]): Promise<{ diffs: string[]; seen: string }> {
  const tools = [
    { tool: 'etcdctl' as const, cluster: pair[0]!, vars: { endpoint: pair[0]!.endpoints[0]! } as Record<string, string> },
    { tool: 'bargectl' as const, cluster: pair[1]!, vars: { endpoint: pair[1]!.endpoints[0]! } as Record<string, string> },
  ];
  const diffs: string[] = [];
  let seen = '';
  for (const step of sequence) {
    const runs = tools.map(async ({ tool, cluster, vars }) => {
      const args = typeof step.args === 'function' ? step.args(vars) : step.args;
      const run = await runTool(tool, [`--endpoints=${cluster.endpoints[0]}`, ...args], {
        input: step.input,
        script: await step.script?.(cluster),
        stopWhen: step.stopWhen,
        timeoutMs: 20_000,
      });
      if (run.timedOut) diffs.push(`${tool}: ${args.join(' ')}: ran into its time bound`);
      if (step.capture) {
        const match = step.capture[1].exec(run.stdout);
        if (match) vars[step.capture[0]] = match[1]!;
      }
      return { shown: args.join(' '), text: transcript(run, cluster) };
    });
    const [a, b] = await Promise.all(runs);
    seen += `${a!.text}\n`;
    if (a!.text !== b!.text) diffs.push(`${a!.shown}\n--- etcdctl\n${a!.text}\n--- bargectl\n${b!.text}`);
  }
  return { diffs, seen };
}

describe('bargectl and etcdctl: auth, user and role commands, --user and --password', () => {
  it('print the same and exit the same for every step, against etcd 3.4 and against Barge', async () => {
    const [onEtcd, onBarge, shared] = await Promise.all([
      differences(twins.etcd, ownSteps),
      differences(twins.barge, ownSteps),
      differences(twins.bargeShared, authSteps),
    ]);
    expect(onEtcd.diffs).toEqual([]);
    expect(onBarge.diffs).toEqual([]);
    expect(shared.diffs).toEqual([]);
    // The sequence went through every path it means to test.
    for (const seen of [onEtcd.seen, onBarge.seen]) {
      for (const text of [
        'Password of carol: \nType password of carol again for confirmation: \nUser carol created',
        'Error: given passwords are different',
        'Error: empty password',
        'Role fmt\nKV Read:\n\t[\u0000, <open ended>\n',
        '"PermType" :  READWRITE',
        'Error: table not supported as output format',
        'Error: fields not supported as output format',
        'Password: \n',
        '"msg":"retrying of unary invoker failed","target":"endpoint://client-<uuid>/ENDPOINT","attempt":0,"error":"rpc error: code = Unauthenticated desc = etcdserver: invalid auth token"}\n',
        'Authentication Enabled',
        'etcdserver: permission denied',
        'status 2\n',
      ]) {
        expect(seen).toContain(text);
      }
    }
  }, 400_000);
});
