// Every flag the real `etcd --help` (3.4) lists is accepted by `barge`, in each of etcd's forms: `--flag=value`,
// `--flag value` (a boolean alone), its ETCD_* environment variable, and its key in an etcd --config-file.
// Checked through Barge's hidden --barge-dry-run (parse and check everything, report, exit), so a flag a
// newer etcd adds fails here until Barge handles it. Malformed command lines fail with etcd's own error
// text (compared with the real etcd's), and flags without a Barge counterpart are reported with what Barge
// does instead.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN } from '../../support/process-cluster.js';

interface HelpFlag {
  readonly name: string;
  readonly defaultValue: string;
}

interface DryRun {
  readonly given: Record<string, { value: string; source: string }>;
  readonly warnings: string[];
  readonly differing: { flag: string; value: string; barge: string }[];
}

let dir: string;
let etcdFlags: HelpFlag[];

/** Flags and their defaults from the real `etcd --help`. */
function readEtcdHelp(): HelpFlag[] {
  const help = spawnSync('etcd', ['--help'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${help.stdout}${help.stderr}`;
  return [...text.matchAll(/^ {2}--([a-z0-9-]+)(?: '([^']*)'| (\S+))?$/gm)].map((m) => ({ name: m[1]!, defaultValue: m[2] ?? m[3] ?? '' }));
}

/** Values a user might really give, where the default says too little (empty, or not a value). */
const PLAUSIBLE: Record<string, string> = {
  name: 'm1',
  'initial-cluster': 'm1=http://127.0.0.1:23800',
  'initial-advertise-peer-urls': 'http://127.0.0.1:23800',
  'listen-peer-urls': 'http://127.0.0.1:23800',
  'listen-client-urls': 'http://127.0.0.1:23790',
  'advertise-client-urls': 'http://127.0.0.1:23790',
  'listen-metrics-urls': 'http://127.0.0.1:23810',
  'max-concurrent-streams': '100',
  'backend-batch-interval': '10ms',
  'initial-cluster-token': 'flags-test',
  discovery: 'https://discovery.example/abc',
  'discovery-proxy': 'http://proxy.example:3128',
  'discovery-srv': 'example.com',
  'discovery-srv-name': 'prod',
  'discovery-fallback': 'exit',
  'cert-file': '/etc/etcd/server.pem',
  'key-file': '/etc/etcd/server-key.pem',
  'trusted-ca-file': '/etc/etcd/ca.pem',
  'client-crl-file': '/etc/etcd/client.crl',
  'client-cert-allowed-hostname': 'client.example',
  'peer-cert-file': '/etc/etcd/peer.pem',
  'peer-key-file': '/etc/etcd/peer-key.pem',
  'peer-trusted-ca-file': '/etc/etcd/ca.pem',
  'peer-cert-allowed-cn': 'etcd-peer',
  'peer-cert-allowed-hostname': 'peer.example',
  'peer-crl-file': '/etc/etcd/peer.crl',
  'cipher-suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  cors: 'https://dashboard.example',
  'host-whitelist': 'localhost',
  metrics: 'extensive',
  logger: 'zap',
  'log-outputs': 'stderr',
  'auto-compaction-retention': '1',
  proxy: 'readonly',
  'experimental-enable-v2v3': '/v2/',
  'experimental-backend-bbolt-freelist-type': 'map',
  'log-package-levels': 'etcdserver=DEBUG',
};

function isBoolean(flag: HelpFlag): boolean {
  return flag.defaultValue === 'true' || flag.defaultValue === 'false';
}

/** A plausible value: the table's, or for a boolean the opposite of etcd's default, else the default. */
function valueFor(flag: HelpFlag): string {
  if (PLAUSIBLE[flag.name] !== undefined) return PLAUSIBLE[flag.name]!;
  if (isBoolean(flag)) return flag.defaultValue === 'true' ? 'false' : 'true';
  return flag.name === 'data-dir' ? join(dir, 'm1.etcd') : flag.name === 'wal-dir' ? join(dir, 'wal') : flag.defaultValue;
}

/** barge with `args` and only `env` as ETCD_* environment; --barge-dry-run added. */
function dryRun(args: readonly string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string; report?: DryRun } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
  const result = spawnSync(process.execPath, [BARGE_BIN, ...args, '--barge-dry-run'], { encoding: 'utf8', timeout: 20_000, env: { ...clean, ...env } });
  const status = result.status ?? -1;
  return { status, stdout: result.stdout, stderr: result.stderr, ...(status === 0 ? { report: JSON.parse(result.stdout) as DryRun } : {}) };
}

function envName(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'barge-flags-'));
  etcdFlags = readEtcdHelp();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("every flag of the real etcd's --help", () => {
  it('is listed (etcd 3.4 lists 80)', () => {
    expect(etcdFlags.length).toBeGreaterThanOrEqual(80);
    expect(etcdFlags.map((f) => f.name)).toContain('experimental-watch-progress-notify-interval');
  });

  it('is accepted as --flag=value, all at once, each reported with its value', () => {
    const run = dryRun(etcdFlags.map((f) => `--${f.name}=${valueFor(f)}`));
    expect(run.stderr.split('\n').filter((l) => !l.startsWith('{'))).toEqual(['']);
    expect(run.status).toBe(0);
    for (const f of etcdFlags) expect(run.report!.given[f.name], f.name).toEqual({ value: valueFor(f), source: 'flag' });
  });

  it('is accepted as --flag value (a boolean as --flag alone, -flag with one dash too)', () => {
    const args = etcdFlags.flatMap((f, i) => {
      const dashes = i % 2 === 0 ? '--' : '-';
      if (isBoolean(f)) return [`${dashes}${f.name}`];
      return [`${dashes}${f.name}`, valueFor(f)];
    });
    const run = dryRun(args);
    expect(run.status, run.stderr).toBe(0);
    for (const f of etcdFlags) expect(run.report!.given[f.name]!.value, f.name).toBe(isBoolean(f) ? 'true' : valueFor(f));
  });

  it('is accepted as its ETCD_* environment variable', () => {
    const env = Object.fromEntries(etcdFlags.map((f) => [envName(f.name), valueFor(f)]));
    const run = dryRun([], env);
    expect(run.status, run.stderr).toBe(0);
    for (const f of etcdFlags) expect(run.report!.given[f.name], f.name).toEqual({ value: valueFor(f), source: 'env' });
    expect(run.report!.warnings).toEqual([]);
  });

  it('each flag without a Barge counterpart, set otherwise than Barge behaves, is reported with what Barge does instead', () => {
    const run = dryRun(['--enable-v2=true', '--proxy=on', '--discovery=https://discovery.example/x', '--enable-pprof', '--experimental-initial-corrupt-check=true', '--experimental-compaction-batch-limit=500', '--enable-v2=false']);
    expect(run.status, run.stderr).toBe(0);
    const reported = new Map(run.report!.differing.map((d) => [d.flag, d]));
    // The last of a repeated flag wins (Go's flag package): v2 off is what Barge does anyway.
    expect(reported.has('--enable-v2')).toBe(false);
    expect(reported.get('--proxy')!.barge).toContain('no v2 proxy');
    expect(reported.get('--discovery')!.barge).toContain('--initial-cluster');
    expect(reported.get('--enable-pprof')!.barge).toContain('pprof');
    // Implemented since: no longer reported.
    expect(reported.has('--experimental-initial-corrupt-check')).toBe(false);
    expect(reported.get('--experimental-compaction-batch-limit')!.value).toBe('500');
    // ... and logged as a warning naming the flag.
    expect(run.stderr).toMatch(/"msg":"flag has no counterpart in Barge".*"flag":"--proxy","value":"on"/);
  });
});

describe("malformed command lines fail as etcd's do", () => {
  const cases: readonly (readonly string[])[] = [
    ['--no-such-flag'],
    ['--no-such-flag=1'],
    ['--heartbeat-interval'],
    ['--client-cert-auth=maybe'],
    ['--snapshot-count=abc'],
    ['--election-timeout=-5'],
    ['--grpc-keepalive-min-time=soon'],
    ['--listen-client-urls=foo'],
    ['---name=x'],
    ['positional'],
    ['--experimental-enable-lease-checkpoint-persist=true'],
  ];
  for (const args of cases) {
    it(`barge ${args.join(' ')}`, () => {
      // Bounds, not expectations: under a load of 25 barge takes 3-4 s to load before it reads a flag.
      const etcd = spawnSync('etcd', args, { encoding: 'utf8', timeout: 25_000, cwd: dir });
      const barge = spawnSync(process.execPath, [BARGE_BIN, ...args], { encoding: 'utf8', timeout: 25_000, cwd: dir });
      // etcd's error line (its log prefix aside; after the warning that capnslog is deprecated when it
      // got as far as logging) is Barge's first line; the exit code is etcd's.
      const lines = etcd.stderr.split('\n');
      const etcdLine = (lines.find((l) => / E \| etcdmain: /.test(l)) ?? lines[0]!).replace(/^.* E \| etcdmain: /, '');
      expect(barge.stderr.split('\n')[0]).toBe(etcdLine);
      expect(barge.status).toBe(etcd.status === 0 ? 1 : etcd.status);
    });
  }

  it('a flag given both ways is refused, as etcd refuses it; an unknown ETCD_* variable is a warning', () => {
    const conflict = dryRun(['--name=a'], { ETCD_NAME: 'b' });
    expect(conflict.status).toBe(1);
    expect(conflict.stderr).toContain('conflicting environment variable "ETCD_NAME" is shadowed by corresponding command-line flag');
    const unknown = dryRun([], { ETCD_NO_SUCH_THING: '1' });
    expect(unknown.status).toBe(0);
    expect(unknown.report!.warnings).toEqual(['unrecognized environment variable ETCD_NO_SUCH_THING=1']);
  });
});

describe('--config-file', () => {
  it("takes etcd's YAML keys (TLS under client-/peer-transport-security, lists, durations) and ignores flags and ETCD_* then", () => {
    const file = join(dir, 'etcd.conf.yml');
    writeFileSync(
      file,
      [
        "name: 'from-file'",
        'heartbeat-interval: 50',
        'election-timeout: 500',
        'listen-client-urls: http://127.0.0.1:23790',
        'log-outputs: [stderr]',
        'enable-v2: true',
        'grpc-keepalive-interval: 60000000000',
        'experimental-watch-progress-notify-interval: 5s',
        'client-transport-security:',
        '  cert-file: /etc/etcd/server.pem',
        '  client-cert-auth: true',
        'peer-transport-security:',
        '  trusted-ca-file: /etc/etcd/ca.pem',
        'data-dir:',
        'no-such-key: 1',
      ].join('\n'),
    );
    const run = dryRun([`--config-file=${file}`, '--name=from-flag'], { ETCD_SNAPSHOT_COUNT: '7' });
    expect(run.status, run.stderr).toBe(0);
    const given = run.report!.given;
    expect(given['name']).toEqual({ value: 'from-file', source: 'config-file' });
    expect(given['heartbeat-interval']!.value).toBe('50');
    expect(given['log-outputs']!.value).toBe('stderr');
    expect(given['grpc-keepalive-interval']!.value).toBe('60000000000ns');
    expect(given['cert-file']!.value).toBe('/etc/etcd/server.pem');
    expect(given['client-cert-auth']!.value).toBe('true');
    expect(given['peer-trusted-ca-file']!.value).toBe('/etc/etcd/ca.pem');
    expect(given['snapshot-count']).toBeUndefined();
    expect(given['data-dir']).toBeUndefined();
    expect(run.report!.warnings).toEqual([
      `unknown key "no-such-key" in config file ${file}; ignored`,
      `loading server configuration from ${file}: other command line flags and environment variables are ignored (name, ETCD_SNAPSHOT_COUNT)`,
    ]);
    expect(given['experimental-watch-progress-notify-interval']!.value).toBe('5s');
    expect(run.report!.differing.map((d) => d.flag)).toEqual(['--enable-v2']);
  });

  it('a value of the wrong kind in the file is an error naming it', () => {
    const file = join(dir, 'bad.conf.yml');
    writeFileSync(file, 'snapshot-count: lots\n');
    const run = dryRun([`--config-file=${file}`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: invalid value "lots" for snapshot-count: parse error`);
  });
});
