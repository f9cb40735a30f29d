// `barge`: one member, started with etcd's own flags, their ETCD_* environment variables or etcd's
// --config-file (see etcd-flags.ts for every flag and what Barge does with it). The member's code
// (member-command.ts) is loaded once the command line is read: a malformed one fails at once.

import { readFileSync } from 'node:fs';
import { FlagError, parseEtcdFlags } from './etcd-flag-parser.js';
import { usageText } from './etcd-flags.js';

/** What `etcd --version` prints, with the runtime in place of Go's (scripts read the first line). */
async function versionText(): Promise<string> {
  const { ETCD_API_VERSION } = await import('../api/grpc-server.js');
  return [`etcd Version: ${ETCD_API_VERSION}`, 'Git SHA: Not provided (Barge)', `Node Version: ${process.version}`, `Node OS/Arch: ${process.platform}/${process.arch}`].join('\n');
}

/** The control plane's components, one subcommand each, loaded only when asked for. */
const SUBCOMMANDS: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  apiserver: async () => (await import('./apiserver-command.js')).runApiserver,
  init: async () => (await import('./init-command.js')).runInit,
  'controller-manager': async () => (await import('./controller-manager-command.js')).runControllerManagerCommand,
  scheduler: async () => (await import('./scheduler-command.js')).runSchedulerCommand,
  kubelet: async () => (await import('./kubelet-command.js')).runKubelet,
  nodes: async () => (await import('./nodes-command.js')).runNodes,
  up: async () => (await import('./up-command.js')).runUp,
};

async function main(): Promise<void> {
  const subcommand = SUBCOMMANDS[process.argv[2] ?? ''];
  if (subcommand) return (await subcommand())(process.argv.slice(3));
  const parsed = await parseEtcdFlags(process.argv.slice(2), process.env, (path) => readFileSync(path, 'utf8'));
  if (parsed.help) {
    process.stdout.write(usageText());
    return;
  }
  if (parsed.version) {
    console.log(await versionText());
    return;
  }
  await (await import('./member-command.js')).runMember(parsed);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof FlagError) {
    // As etcd: the error on its own line; for a malformed command line, the usage after it (exit 2).
    process.stderr.write(`${message}\n${err.usage ? usageText() : ''}`);
    process.exit(err.usage ? 2 : 1);
  }
  process.stderr.write(`${JSON.stringify({ level: 'fatal', ts: new Date().toISOString(), msg: message })}\n`);
  process.exit(1);
});
