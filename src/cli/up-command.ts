// `barge up [--dir DIR]`: a whole local control plane, each part a child process started as its
// Kubernetes counterpart is: three Barge members (mutual TLS on client and peer URLs, etcd CA), the
// apiserver (etcd client certificate, serving certificate from the cluster CA), the controller manager,
// the scheduler and hollow nodes, all with kubeadm-like certificates and kubeconfigs under DIR (see
// src/pki). Logs go to DIR/logs; Ctrl-C stops everything; a second start reuses DIR's data and identities.
// With --etcd-servers it starts no members and puts the control plane on that store instead (a real etcd,
// say), as kube-apiserver's flag of that name does.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { KubeClient, loadKubeconfig, Resources, type KubeObject } from '../client/kube/index.js';
import { errorText } from '../etcd-errors.js';
import { ensureClusterKubeconfigs, ensurePki, type ClusterKubeconfigs, type Pki } from '../pki/index.js';
import { ensureClusterAdminsBinding } from './cluster-admins-binding.js';
import { parseComponentArgs } from './component-flags.js';
import { memberFlags, type MemberAddresses } from './flags.js';
import { bargeEnvironment } from './process-environment.js';
import { DEFAULT_UP_WAIT, goMs, parseUpWait, poll, waitForReadyNodes } from './up-wait.js';

/** The script this process was started as (bin/barge.js), so children run the same code. */
const BARGE = resolve(process.argv[1]!);

interface Layout {
  readonly members: number;
  readonly etcdBasePort: number;
  readonly apiserverPort: number;
  readonly nodes: number;
  /** An existing store's client URLs (and its client TLS files), when no members are started. */
  readonly etcd?: ExternalEtcd;
}

interface ExternalEtcd {
  readonly servers: string;
  readonly cafile?: string;
  readonly certfile?: string;
  readonly keyfile?: string;
}

interface Child {
  readonly name: string;
  readonly args: readonly string[];
  readonly process: ChildProcess;
}

function upCommand(): Command {
  return new Command('barge up')
    .description('start a local Kubernetes control plane over a 3-member Barge cluster, with hollow nodes')
    .option('--dir <path>', 'where data, certificates, kubeconfigs and logs live (kept between runs)', 'barge-up')
    .option('--etcd-base-port <port>', 'Barge client ports are base, base+1, …; peer ports start at base+100', '2379')
    .option('--apiserver-port <port>', 'the apiserver\'s secure port', '6443')
    .option('--nodes <n>', 'hollow nodes to run', '3')
    .option('--node-cpu <quantity>', 'each node\'s cpu', '4')
    .option('--node-memory <quantity>', 'each node\'s memory', '16Gi')
    .option('--node-max-pods <n>', 'pods each node can run', '110')
    .option('--image-pull-delay <ms>', 'how long a hollow image pull takes', '1000')
    .option('--etcd-servers <urls>', 'use this etcd-compatible store (comma-separated client URLs) instead of starting Barge members')
    .option('--etcd-cafile <file>', 'with --etcd-servers: the CA of its client URLs')
    .option('--etcd-certfile <file>', 'with --etcd-servers: a client certificate for it')
    .option('--etcd-keyfile <file>', 'with --etcd-servers: the key of that certificate')
    .option('--node-monitor-grace-period <duration>', 'the controller manager\'s --node-monitor-grace-period (how long a silent node stays Ready)', '50s')
    .option('--wait <duration>', 'how long to wait for each startup step (the store, the apiserver, every node Ready, the default ServiceAccount)', DEFAULT_UP_WAIT)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
}

/** The flags as given (commander's camelCase names) and --wait in milliseconds; throws on a bad value. */
export function parseUpArgs(args: readonly string[]): { flags: Record<string, string>; waitMs: number } {
  const command = upCommand();
  parseComponentArgs(command, args);
  const flags = command.opts<Record<string, string>>();
  return { flags, waitMs: parseUpWait(flags['wait']!) };
}

const progress = (line: string): void => void process.stdout.write(`${line}\n`);

function members(dir: string, layout: Layout): MemberAddresses[] {
  return Array.from({ length: layout.members }, (_, i) => ({
    name: `barge-${i + 1}`,
    clientUrl: `https://127.0.0.1:${layout.etcdBasePort + i}`,
    peerUrl: `https://127.0.0.1:${layout.etcdBasePort + 100 + i}`,
    dataDir: join(dir, 'data', `barge-${i + 1}`),
  }));
}

/** etcd's TLS flags for a member, as kubeadm's static etcd pod passes them. */
export function memberTlsFlags(pki: Pki, name: string): string[] {
  const own = pki.etcdMembers.get(name)!;
  return [
    `--cert-file=${own.server.certFile}`, `--key-file=${own.server.keyFile}`, `--trusted-ca-file=${pki.etcdCa.certFile}`, '--client-cert-auth=true',
    `--peer-cert-file=${own.peer.certFile}`, `--peer-key-file=${own.peer.keyFile}`, `--peer-trusted-ca-file=${pki.etcdCa.certFile}`, '--peer-client-cert-auth=true',
  ];
}

/** Starts `barge <args>` with its stderr in DIR/logs/<name>.log; `onLine` sees each line. */
function startChild(dir: string, name: string, args: readonly string[], onLine: (line: string) => void = () => undefined): Child {
  const child = spawn(process.execPath, [BARGE, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: bargeEnvironment(args, process.env) });
  const log = createWriteStream(join(dir, 'logs', `${name}.log`), { flags: 'a' });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.write(`${line}\n`);
    onLine(line);
  });
  return { name, args, process: child };
}

async function startMembers(dir: string, pki: Pki, all: readonly MemberAddresses[], started: (child: Child) => void): Promise<void> {
  await Promise.all(
    all.map(
      (member) =>
        new Promise<void>((resolveReady) => {
          let serving = false;
          let led = false;
          const flags = [...memberFlags(member, all, 'barge-up'), ...memberTlsFlags(pki, member.name)];
          started(
            startChild(dir, member.name, flags, (line) => {
              if (line.includes('ready to serve client requests')) serving = true;
              if (line.includes('"msg":"leader changed"') && !line.includes('"leader":"0"')) led = true;
              if (serving && led) resolveReady();
            }),
          );
        }),
    ),
  );
}

interface NodeLike extends KubeObject {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

function readyNodes(nodes: readonly NodeLike[]): number {
  return nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

/**
 * The apiserver's gate as kubeadm configures it: client certificates from the cluster CA, front-proxy
 * headers from the front-proxy-client certificate, ServiceAccount tokens signed with sa.key, Node and RBAC authorization, and kube-apiserver's default admission plugins
 * (those Barge has) with NodeRestriction added.
 */
export function gateFlags(pki: Pki): string[] {
  return [
    `--client-ca-file=${pki.ca.certFile}`,
    `--requestheader-client-ca-file=${pki.frontProxyCa.certFile}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,NodeRestriction,Priority,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
  ];
}

/** The control-plane components past the apiserver; adding one is one line. */
function components(kubeconfigs: ClusterKubeconfigs, dir: string, layout: Layout, o: Record<string, string>): Array<[name: string, args: string[]]> {
  return [
    ['controller-manager', ['controller-manager', `--kubeconfig=${kubeconfigs.controllerManager}`, '--leader-elect=true', '--use-service-account-credentials=true', `--node-monitor-grace-period=${o['nodeMonitorGracePeriod']}`]],
    ['scheduler', ['scheduler', `--kubeconfig=${kubeconfigs.scheduler}`, '--leader-elect=true']],
    ['nodes', ['nodes', `--count=${layout.nodes}`, '--prefix=hollow-node', `--kubeconfig-dir=${dir}`, `--cpu=${o['nodeCpu']}`, `--memory=${o['nodeMemory']}`, `--max-pods=${o['nodeMaxPods']}`, `--image-pull-delay=${o['imagePullDelay']}`]],
  ];
}

function stopAll(children: readonly Child[]): Promise<void> {
  // The reverse of the start order: nodes and controllers first, the store last.
  const exits = [...children].reverse().map(
    (child) =>
      new Promise<void>((done) => {
        if (child.process.exitCode !== null || child.process.signalCode !== null) return done();
        child.process.once('exit', () => done());
        child.process.kill('SIGTERM');
      }),
  );
  return Promise.all(exits).then(() => undefined);
}

interface ControlPlane {
  readonly dir: string;
  readonly pki: Pki;
  readonly kubeconfigs: ClusterKubeconfigs;
  readonly members: readonly MemberAddresses[];
  readonly layout: Layout;
  readonly flags: Record<string, string>;
  /** How long each startup step may take (--wait). */
  readonly waitMs: number;
  /** Takes a started child into the supervised set; an essential one's exit stops everything. */
  readonly adopt: (child: Child, essential: boolean) => void;
}

/** Members, then the apiserver once they lead, then the rest once it serves; resolves when every node is Ready. */
async function startControlPlane({ dir, pki, kubeconfigs, members: all, layout, flags: o, waitMs, adopt }: ControlPlane): Promise<void> {
  const server = `https://127.0.0.1:${layout.apiserverPort}`;
  let etcd: ExternalEtcd = {
    servers: all.map((m) => m.clientUrl).join(','),
    cafile: pki.etcdCa.certFile, certfile: pki.apiserverEtcdClient.certFile, keyfile: pki.apiserverEtcdClient.keyFile,
  };
  if (layout.etcd) {
    etcd = layout.etcd;
    progress(`[etcd] using the store at ${etcd.servers}`);
  } else {
    progress(`[etcd] starting ${all.length} Barge members (mutual TLS) on ${etcd.servers}`);
    const led = startMembers(dir, pki, all, (member) => adopt(member, true));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${goMs(waitMs)} waiting for the Barge members to serve and elect a leader (see the logs directory)`)), waitMs);
    });
    await Promise.race([led, late]).finally(() => clearTimeout(timer));
  }

  progress(`[apiserver] starting on ${server} (authorization Node,RBAC)`);
  const etcdTls = Object.entries({ cafile: etcd.cafile, certfile: etcd.certfile, keyfile: etcd.keyfile }).flatMap(([flag, file]) => (file ? [`--etcd-${flag}=${file}`] : []));
  const apiserver = startChild(dir, 'apiserver', [
    'apiserver', `--etcd-servers=${etcd.servers}`, ...etcdTls,
    `--secure-port=${layout.apiserverPort}`, '--bind-address=127.0.0.1',
    `--tls-cert-file=${pki.apiserver.certFile}`, `--tls-private-key-file=${pki.apiserver.keyFile}`, `--cert-dir=${join(dir, 'apiserver')}`,
    ...gateFlags(pki),
  ]);
  adopt(apiserver, true);
  const superAdmin = new KubeClient(loadKubeconfig(kubeconfigs.superAdmin));
  await poll(() => 'the apiserver to be ready', async () => (await superAdmin.list(Resources.namespaces)).items.length > 0, waitMs);
  await ensureClusterAdminsBinding(kubeconfigs, waitMs);
  const admin = new KubeClient(loadKubeconfig(kubeconfigs.admin));
  await poll(() => 'admin.conf to be authorized', async () => (await admin.list(Resources.namespaces)).items.length > 0, waitMs);

  for (const [name, componentArgs] of components(kubeconfigs, dir, layout, o)) {
    progress(`[${name}] starting`);
    adopt(startChild(dir, name, componentArgs), false);
  }
  await waitForReadyNodes(layout.nodes, async () => readyNodes((await admin.list<NodeLike>(Resources.nodes)).items), waitMs, progress);
  // The ServiceAccount admission plugin refuses pods until the controllers have made the namespace's account.
  await poll(() => 'the default ServiceAccount', async () => (await admin.get(Resources.serviceAccounts, 'default', 'default')).metadata.name === 'default', waitMs);
}

export async function runUp(args: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof parseUpArgs>;
  try {
    parsed = parseUpArgs(args);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { flags: o, waitMs } = parsed;
  const dir = resolve(o['dir']!);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  // The first run fixes the layout; later runs restart the same cluster whatever the flags say.
  const layoutFile = join(dir, 'up.json');
  const layout: Layout = existsSync(layoutFile)
    ? (JSON.parse(readFileSync(layoutFile, 'utf8')) as Layout)
    : {
        members: 3, etcdBasePort: Number(o['etcdBasePort']), apiserverPort: Number(o['apiserverPort']), nodes: Number(o['nodes']),
        ...(o['etcdServers'] && { etcd: { servers: o['etcdServers'], cafile: o['etcdCafile'], certfile: o['etcdCertfile'], keyfile: o['etcdKeyfile'] } }),
      };
  writeFileSync(layoutFile, JSON.stringify(layout));
  const all = members(dir, layout);
  const nodeNames = Array.from({ length: layout.nodes }, (_, i) => `hollow-node-${i + 1}`);
  const server = `https://127.0.0.1:${layout.apiserverPort}`;

  progress(`[certs] certificates and keys in ${join(dir, 'pki')}`);
  const pki = await ensurePki({ dir, etcdMembers: all.map((m) => m.name) });
  const kubeconfigs = await ensureClusterKubeconfigs(pki.caAuthority, dir, server, nodeNames);
  progress(`[kubeconfig] admin.conf, super-admin.conf, controller-manager.conf, scheduler.conf and ${nodeNames.length} kubelet configs in ${dir}`);

  const children: Child[] = [];
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    progress('\nstopping…');
    stopAll(children).then(
      () => process.exit(code),
      // Stopping cannot fail today; if it ever does, say so and still exit.
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${errorText(error)}\n`);
        process.exit(code || 1);
      },
    );
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  // A store member or the apiserver that dies during start takes everything down, pointing at its log;
  // once up, it is started again on its data, as the kubelet restarts kubeadm's static pods. The other
  // components may be killed on purpose (a killed kubelet's node goes Unknown): that is only reported.
  let up = false;
  const adopt = (child: Child, essential: boolean): void => {
    children.push(child);
    child.process.once('exit', (code, signal) => {
      if (stopping) return;
      const log = join(dir, 'logs', `${child.name}.log`);
      const restart = essential && up;
      process.stderr.write(`${child.name} exited (${signal ?? `code ${code}`}); see ${log}.${restart ? ' Restarting it.' : essential ? ' Stopping everything.' : ''}\n`);
      if (restart) setTimeout(() => stopping || adopt(startChild(dir, child.name, child.args), true), 1000);
      else if (essential) shutdown(1);
    });
  };

  try {
    await startControlPlane({ dir, pki, kubeconfigs, members: all, layout, flags: o, waitMs, adopt });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    shutdown(1);
    return;
  }
  up = true;
  progress(`\nBarge control plane is up (data, certificates and logs in ${dir}); Ctrl-C stops it.\n`);
  progress(`Kubeconfig: ${kubeconfigs.admin}\n`);
  progress(`Try: kubectl --kubeconfig ${kubeconfigs.admin} get nodes`);
}
