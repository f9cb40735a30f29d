// `barge init`: what `kubeadm init phase certs all` and `kubeadm init phase kubeconfig all` write, with
// their flag names and their progress lines, for a control plane started by hand: the certificate tree
// (cluster CA, apiserver, etcd CA with each member's server and peer certificates, the apiserver's etcd
// client, the service-account keys) and a kubeconfig per component. It then prints the command that
// starts each component with those files and, as kubeadm init does once the control plane is up, waits
// for the apiserver and binds admin.conf's group kubeadm:cluster-admins to cluster-admin
// (`--skip-phases=wait-control-plane` leaves that to the user). Files that exist are kept, as kubeadm keeps them.

import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { kubernetesServiceIp, parseServiceRange } from '../apiserver/registry/cluster-ip-allocator.js';
import { CLUSTER_ADMINS_GROUP, ensureClusterKubeconfigs, ensurePki, type ClusterKubeconfigs, type Pki } from '../pki/index.js';
import { ensureClusterAdminsBinding } from './cluster-admins-binding.js';
import { parseComponentArgs } from './component-flags.js';
import { memberFlags, urlList, type MemberAddresses } from './flags.js';
import { gateFlags, memberTlsFlags } from './up-command.js';

function flag(name: string, description: string, defaultValue?: string): Option {
  const option = new Option(`--${name} <value>`, description);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

function program(): Command {
  return new Command('barge init')
    .description('Write the certificates and kubeconfigs of a control plane (kubeadm init phase certs and kubeconfig)')
    .addOption(flag('kubeconfig-dir', 'the path where to save the kubeconfig files', 'kubernetes'))
    .addOption(flag('cert-dir', 'the path where to save and store the certificates (default "<kubeconfig-dir>/pki")'))
    .addOption(flag('apiserver-advertise-address', 'the IP address the API Server will advertise it\'s listening on', '127.0.0.1'))
    .addOption(flag('apiserver-bind-port', 'port for the API Server to bind to', '6443'))
    .addOption(flag('apiserver-cert-extra-sans', 'optional extra Subject Alternative Names (SANs) for the API Server serving certificate (IPs and DNS names, comma separated)', ''))
    .addOption(flag('control-plane-endpoint', 'a stable IP address or DNS name (and port) for the control plane, written into the kubeconfigs'))
    .addOption(flag('node-name', 'the name of this node (in the serving certificates; the default kubelet and etcd member)', hostname().toLowerCase()))
    .addOption(flag('service-cidr', 'range of IP addresses for service VIPs', '10.96.0.0/12'))
    .addOption(flag('service-dns-domain', 'alternative domain for services', 'cluster.local'))
    .addOption(flag('etcd-members', 'Barge: the names of the Barge members to certify, comma separated (default: the node name)'))
    .addOption(flag('kubelet-nodes', 'Barge: the nodes to write kubelet-<node>.conf for, comma separated (default: the node name)'))
    .addOption(flag('skip-phases', 'List of phases to be skipped (Barge can skip wait-control-plane: no wait for the apiserver, no kubeadm:cluster-admins binding)', ''))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
}

export interface InitOptions {
  readonly kubeconfigDir: string;
  readonly certDir: string;
  readonly advertiseAddress: string;
  readonly bindPort: number;
  readonly extraSans: readonly string[];
  readonly server: string;
  readonly nodeName: string;
  readonly serviceCidr: string;
  readonly serviceDnsDomain: string;
  readonly etcdMembers: readonly string[];
  readonly kubeletNodes: readonly string[];
  /** Whether to wait for the apiserver and create the kubeadm:cluster-admins binding. */
  readonly waitControlPlane: boolean;
}

/** kubeadm's default for the control plane to come up (timeouts.controlPlaneComponentHealthCheck). */
const CONTROL_PLANE_TIMEOUT_MS = 4 * 60_000;
const SKIPPABLE_PHASES = ['wait-control-plane'];

export function parseInitArgs(args: readonly string[]): InitOptions {
  const command = program();
  parseComponentArgs(command, args);
  const o = command.opts<Record<string, string | undefined>>();
  const kubeconfigDir = resolve(o['kubeconfigDir']!);
  const bindPort = Number(o['apiserverBindPort']);
  if (!Number.isInteger(bindPort) || bindPort < 1 || bindPort > 65535) throw new Error(`invalid argument "${o['apiserverBindPort']}" for "--apiserver-bind-port" flag: must be a port number`);
  try {
    parseServiceRange(o['serviceCidr']!);
  } catch {
    throw new Error(`invalid argument "${o['serviceCidr']}" for "--service-cidr" flag: not an IPv4 CIDR`);
  }
  const skipped = urlList(o['skipPhases'] ?? '');
  const unknown = skipped.find((phase) => !SKIPPABLE_PHASES.includes(phase));
  if (unknown !== undefined) throw new Error(`invalid argument "${o['skipPhases']}" for "--skip-phases" flag: phase "${unknown}" cannot be skipped (only ${SKIPPABLE_PHASES.join(', ')})`);
  const nodeName = o['nodeName']!;
  const endpoint = o['controlPlaneEndpoint'];
  return {
    kubeconfigDir,
    certDir: resolve(o['certDir'] ?? join(kubeconfigDir, 'pki')),
    advertiseAddress: o['apiserverAdvertiseAddress']!,
    bindPort,
    extraSans: urlList(o['apiserverCertExtraSans'] ?? ''),
    // As kubeadm: the control-plane endpoint if given (port defaulting to the bind port), else the advertise address.
    server: endpoint ? `https://${/:\d+$/.test(endpoint) ? endpoint : `${endpoint}:${bindPort}`}` : `https://${o['apiserverAdvertiseAddress']!}:${bindPort}`,
    nodeName,
    serviceCidr: o['serviceCidr']!,
    serviceDnsDomain: o['serviceDnsDomain']!,
    etcdMembers: o['etcdMembers'] ? urlList(o['etcdMembers']) : [nodeName],
    kubeletNodes: o['kubeletNodes'] ? urlList(o['kubeletNodes']) : [nodeName],
    waitControlPlane: !skipped.includes('wait-control-plane'),
  };
}

/** Where the i-th member listens: etcd's ports 2379/2380, then two more per member. */
function memberAddresses(options: InitOptions): MemberAddresses[] {
  return options.etcdMembers.map((name, i) => ({
    name,
    dataDir: `${name}.etcd`,
    clientUrl: `https://${options.advertiseAddress}:${2379 + 2 * i}`,
    peerUrl: `https://${options.advertiseAddress}:${2380 + 2 * i}`,
  }));
}

/** The command line of each component, with the files just written. */
function startCommands(options: InitOptions, pki: Pki, kubeconfigs: ClusterKubeconfigs): string[] {
  const members = memberAddresses(options);
  const line = (args: readonly string[]): string => `  barge ${args.join(' \\\n      ')}`;
  return [
    '# each Barge member:',
    ...members.map((m) => line([...memberFlags(m, members, 'barge-init'), ...memberTlsFlags(pki, m.name)])),
    '# the apiserver:',
    line([
      'apiserver', `--etcd-servers=${members.map((m) => m.clientUrl).join(',')}`,
      `--etcd-cafile=${pki.etcdCa.certFile}`, `--etcd-certfile=${pki.apiserverEtcdClient.certFile}`, `--etcd-keyfile=${pki.apiserverEtcdClient.keyFile}`,
      `--secure-port=${options.bindPort}`, `--bind-address=${options.advertiseAddress}`,
      `--tls-cert-file=${pki.apiserver.certFile}`, `--tls-private-key-file=${pki.apiserver.keyFile}`,
      `--cert-dir=${join(options.kubeconfigDir, 'apiserver')}`, `--service-cluster-ip-range=${options.serviceCidr}`,
      ...gateFlags(pki),
    ]),
    '# the controller manager, the scheduler and each kubelet:',
    line(['controller-manager', `--kubeconfig=${kubeconfigs.controllerManager}`, '--use-service-account-credentials=true']),
    line(['scheduler', `--kubeconfig=${kubeconfigs.scheduler}`]),
    ...[...kubeconfigs.kubelets].map(([node, file]) => line(['kubelet', '--hollow', `--node-name=${node}`, `--kubeconfig=${file}`])),
    ...(options.waitControlPlane
      ? []
      : [
          '# once the apiserver serves, what kubeadm init does next: admin.conf\'s group bound to cluster-admin',
          `  kubectl --kubeconfig ${kubeconfigs.superAdmin} create clusterrolebinding ${CLUSTER_ADMINS_GROUP} --clusterrole=cluster-admin --group=${CLUSTER_ADMINS_GROUP}`,
        ]),
  ];
}

/** Go's Duration.String() for at least a second: "3.502081s". */
function goSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/** kubeadm's api-check, then its EnsureAdminClusterRoleBinding. */
async function waitControlPlane(kubeconfigs: ClusterKubeconfigs, say: (line: string) => void): Promise<void> {
  say(`\n[api-check] Waiting for a healthy API server. This can take up to ${CONTROL_PLANE_TIMEOUT_MS / 60_000}m0s`);
  const started = Date.now();
  try {
    await ensureClusterAdminsBinding(kubeconfigs, CONTROL_PLANE_TIMEOUT_MS);
  } catch (error) {
    process.stderr.write(`error execution phase wait-control-plane: ${(error as Error).message}\n`);
    process.exit(1);
  }
  say(`[api-check] The API server is healthy after ${goSeconds(Date.now() - started)}`);
  say(`[kubeconfig] The "${CLUSTER_ADMINS_GROUP}" ClusterRoleBinding binds admin.conf's group to cluster-admin`);
}

export async function runInit(args: readonly string[]): Promise<void> {
  let options: InitOptions;
  try {
    options = parseInitArgs(args);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`[certs] Using certificateDir folder "${options.certDir}"`);
  const pki = await ensurePki(
    {
      dir: options.kubeconfigDir,
      certDir: options.certDir,
      etcdMembers: options.etcdMembers,
      apiserverHosts: [options.nodeName, options.advertiseAddress, ...options.extraSans, new URL(options.server).hostname],
      etcdHosts: [options.nodeName, options.advertiseAddress],
      kubernetesServiceIp: kubernetesServiceIp(parseServiceRange(options.serviceCidr)),
      serviceDnsDomain: options.serviceDnsDomain,
    },
    say,
  );
  say(`[kubeconfig] Using kubeconfig folder "${options.kubeconfigDir}"`);
  const kubeconfigs = await ensureClusterKubeconfigs(pki.caAuthority, options.kubeconfigDir, options.server, options.kubeletNodes, say);
  say('\nThe certificates and kubeconfigs of your control plane are ready. Start each component with them:\n');
  for (const command of startCommands(options, pki, kubeconfigs)) say(command);
  if (options.waitControlPlane) await waitControlPlane(kubeconfigs, say);
  say(`\nThen: kubectl --kubeconfig ${kubeconfigs.admin} get nodes`);
}
