// `barge cluster --size 3|5`: a local cluster of real member processes on loopback, for trying Barge out.
// Data lives under one directory (kept across runs: the next start restarts the same members), member
// logs stream with a name prefix, and Ctrl-C stops everyone.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { memberFlags } from './flags.js';
import { bargeEnvironment } from './process-environment.js';

/** The script this process was started as (bin/barge.js), whichever form of the code is running. */
const BARGE = resolve(process.argv[1]!);

interface Layout {
  readonly size: number;
  readonly basePort: number;
}

interface LocalMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
}

const program = new Command('barge cluster')
  .description('start a local Barge cluster (members as child processes on 127.0.0.1)')
  .addOption(new Option('--size <n>', 'members').choices(['1', '3', '5']).default('3'))
  .option('--dir <path>', 'where member data lives (kept between runs)', 'barge-cluster')
  .option('--base-port <port>', 'client ports are base, base+1, …; peer ports start at base+100', '2379');

function members(dir: string, layout: Layout): LocalMember[] {
  return Array.from({ length: layout.size }, (_, i) => ({
    name: `barge-${i + 1}`,
    clientUrl: `http://127.0.0.1:${layout.basePort + i}`,
    peerUrl: `http://127.0.0.1:${layout.basePort + 100 + i}`,
    dataDir: join(dir, `barge-${i + 1}`),
  }));
}

function start(member: LocalMember, all: readonly LocalMember[], onReady: () => void): ChildProcess {
  const flags = memberFlags(member, all, 'barge-local');
  const child = spawn(process.execPath, [BARGE, ...flags], { stdio: ['ignore', 'inherit', 'pipe'], env: bargeEnvironment(flags, process.env) });
  // Ready once it serves clients and knows a leader, so that the first command printed works at once.
  let serving = false;
  let led = false;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    process.stderr.write(`[${member.name}] ${line}\n`);
    const wasReady = serving && led;
    if (line.includes('ready to serve client requests')) serving = true;
    if (line.includes('"msg":"leader changed"') && !line.includes('"leader":"0"')) led = true;
    if (!wasReady && serving && led) onReady();
  });
  return child;
}

function main(): void {
  program.parse(process.argv.slice(3), { from: 'user' });
  const options = program.opts<{ size: string; dir: string; basePort: string }>();
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  // The first run fixes the layout; later runs restart those members whatever the flags say.
  const layoutFile = join(dir, 'cluster.json');
  const layout: Layout = existsSync(layoutFile)
    ? (JSON.parse(readFileSync(layoutFile, 'utf8')) as Layout)
    : { size: Number(options.size), basePort: Number(options.basePort) };
  writeFileSync(layoutFile, JSON.stringify(layout));
  const all = members(dir, layout);

  let ready = 0;
  const children = all.map((member) =>
    start(member, all, () => {
      if (++ready !== all.length) return;
      console.log(`\nBarge cluster of ${all.length} is up (data in ${dir}); Ctrl-C stops it.\n`);
      console.log('NAME       CLIENT URL              PEER URL');
      for (const m of all) console.log(`${m.name.padEnd(10)} ${m.clientUrl.padEnd(23)} ${m.peerUrl}`);
      console.log(`\nTry: ETCDCTL_API=3 etcdctl --endpoints=${all.map((m) => m.clientUrl).join(',')} put hello world`);
    }),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let exited = 0;
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping && code !== 0) process.stderr.write(`a member exited with code ${code}; stopping the cluster\n`);
      stop();
      if (++exited === children.length) process.exit(0);
    });
  }
}

main();
