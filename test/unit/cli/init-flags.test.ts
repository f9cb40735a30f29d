// `barge init`'s flags, as kubeadm's: defaults, where the kubeconfigs point, and bad values refused by name.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInitArgs } from '../../../src/cli/init-command.js';

describe('barge init flags', () => {
  it('defaults as kubeadm does, with the certificates under the kubeconfig directory', () => {
    const o = parseInitArgs(['--kubeconfig-dir=k8s', '--node-name=cp-1']);
    expect(o).toMatchObject({
      kubeconfigDir: resolve('k8s'), certDir: join(resolve('k8s'), 'pki'), advertiseAddress: '127.0.0.1', bindPort: 6443, server: 'https://127.0.0.1:6443',
      serviceCidr: '10.96.0.0/12', serviceDnsDomain: 'cluster.local', etcdMembers: ['cp-1'], kubeletNodes: ['cp-1'], extraSans: [], waitControlPlane: true,
    });
  });

  it('points the kubeconfigs at --control-plane-endpoint, the bind port unless it names one', () => {
    expect(parseInitArgs(['--control-plane-endpoint=api.example', '--apiserver-bind-port=7443']).server).toBe('https://api.example:7443');
    expect(parseInitArgs(['--control-plane-endpoint=api.example:443']).server).toBe('https://api.example:443');
    expect(parseInitArgs(['--apiserver-advertise-address=10.0.0.5']).server).toBe('https://10.0.0.5:6443');
  });

  it('takes lists, a separate --cert-dir, and refuses bad values and unknown flags', () => {
    const o = parseInitArgs(['--cert-dir=certs', '--apiserver-cert-extra-sans=a.example,10.1.1.1', '--etcd-members=b1,b2,b3', '--kubelet-nodes=n1,n2']);
    expect(o).toMatchObject({ certDir: resolve('certs'), extraSans: ['a.example', '10.1.1.1'], etcdMembers: ['b1', 'b2', 'b3'], kubeletNodes: ['n1', 'n2'] });
    expect(() => parseInitArgs(['--service-cidr=10.96.0.0'])).toThrow('invalid argument "10.96.0.0" for "--service-cidr" flag: not an IPv4 CIDR');
    expect(() => parseInitArgs(['--apiserver-bind-port=0'])).toThrow('for "--apiserver-bind-port" flag');
    expect(() => parseInitArgs(['--pod-network-cidr=10.244.0.0/16'])).toThrow('unknown flag: --pod-network-cidr');
  });

  it('skips waiting for the control plane only when told, and no phase it cannot skip', () => {
    expect(parseInitArgs(['--skip-phases=wait-control-plane']).waitControlPlane).toBe(false);
    expect(() => parseInitArgs(['--skip-phases=certs'])).toThrow('invalid argument "certs" for "--skip-phases" flag: phase "certs" cannot be skipped (only wait-control-plane)');
  });
});
