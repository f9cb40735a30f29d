// The real kubectl under several identities against `barge apiserver --authorization-mode=RBAC`: the
// admin certificate, a token-file user bound to `view` in one namespace, a ServiceAccount token from
// `kubectl create token`, anonymous, and bad credentials. What each may do, kubectl's exact output for
// allowed and forbidden calls, and `auth can-i` agreeing with what then happens.

import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../../src/pki/certificates.js';
import { certificateAuthorityFromPem } from '../../../src/pki/pem-files.js';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster, type KubectlResult } from '../apiserver/apiserver-process.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** A RoleBinding in namespace team of a ClusterRole to one subject. */
const roleBinding = (name: string, clusterRole: string, subject: Record<string, string>): string =>
  JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole }, subjects: [subject] });

const UNAUTHORIZED = 'error: You must be logged in to the server (Unauthorized)\n';
/** What kubectl's typed `create configmap` prints for a 401 (it does no discovery first). */
const CREATE_UNAUTHORIZED = 'error: failed to create configmap: Unauthorized\n';

describe('identities and access through the gate', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let emptyKubeconfig: string;
  let dir: string;

  /** kubectl with only the given credentials (no admin certificate). */
  const as = (credentials: string[], args: string[]): KubectlResult => {
    const result = spawnSync('kubectl', ['--kubeconfig', emptyKubeconfig, '--cache-dir', join(api.dir, 'kube-cache', 'other'), '--server', api.url, '--certificate-authority', join(api.dir, 'certs', 'ca.crt'), ...credentials, ...args], { encoding: 'utf8', timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };
  const admin = (args: string[], input?: string): string => {
    const result = api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\n${api.log.slice(-2000)}`);
    return result.stdout;
  };
  const alice = (args: string[]) => as(['--token', 'alice-token'], args);

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(tokens, 'alice-token,alice,1001,"devs,qa"\n');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    emptyKubeconfig = join(dir, 'empty.conf');
    writeFileSync(emptyKubeconfig, 'apiVersion: v1\nkind: Config\n');
    api = await ApiserverProcess.start(cluster.endpoints, [
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      `--token-auth-file=${tokens}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-issuer=${ISSUER}`,
    ]);
    // kubectl's typed `create namespace|serviceaccount|rolebinding` send protobuf; -f sends JSON.
    admin(['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n');
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the admin certificate is kubernetes-admin in system:masters and may do anything', async () => {
    const whoami = admin(['auth', 'whoami']);
    expect(whoami).toMatch(/^Username\s+kubernetes-admin$/m);
    expect(whoami).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m);
    expect(admin(['auth', 'can-i', 'delete', 'nodes'])).toBe('yes\n');
    expect(admin(['get', 'clusterrole', 'view', '-o', 'jsonpath={.metadata.labels}'])).toContain('"kubernetes.io/bootstrapping":"rbac-defaults"');
    expect(admin(['create', '-f', '-'], roleBinding('alice-view', 'view', { kind: 'User', name: 'alice' }))).toBe('rolebinding.rbac.authorization.k8s.io/alice-view created\n');
    // The authorizer reads bindings from the watch cache: wait until it has this one.
    await until('alice is bound', () => alice(['auth', 'can-i', 'get', 'pods', '-n', 'team']).stdout === 'yes\n', { pollMs: 100 });
  });

  it('a token-file user bound to view may read in its namespace and nothing more; can-i agrees', () => {
    const whoami = alice(['auth', 'whoami']).stdout;
    expect(whoami).toMatch(/^Username\s+alice$/m);
    expect(whoami).toMatch(/^UID\s+1001$/m);
    expect(whoami).toMatch(/^Groups\s+\[devs qa system:authenticated\]$/m);

    expect(alice(['auth', 'can-i', 'list', 'pods', '-n', 'team']).stdout).toBe('yes\n');
    const list = alice(['get', 'pods', '-n', 'team']);
    expect(list.status).toBe(0);
    expect(list.stderr).toBe('No resources found in team namespace.\n');

    const cannotList = alice(['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    expect(cannotList).toMatchObject({ stdout: 'no\n', status: 1 });
    expect(alice(['get', 'pods', '-n', 'default'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"\n',
    });

    expect(alice(['auth', 'can-i', 'create', 'configmaps', '-n', 'team'])).toMatchObject({ stdout: 'no\n', status: 1 });
    expect(alice(['create', 'configmap', 'nope', '-n', 'team', '--from-literal=a=1'])).toMatchObject({
      status: 1,
      stderr: 'error: failed to create configmap: configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "team"\n',
    });
    expect(admin(['get', 'configmaps', '-n', 'team', '-o', 'name'])).not.toContain('configmap/nope');

    expect(alice(['get', 'secrets', 'x', '-n', 'team'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): secrets "x" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "team"\n',
    });
    const rules = alice(['auth', 'can-i', '--list', '-n', 'team']).stdout;
    expect(rules).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(rules).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  });

  it('impersonation needs the impersonate verb', () => {
    expect(alice(['get', '--raw', '/api/v1/namespaces/team/pods', '--as', 'bob'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope\n',
    });
    const asAlice = admin(['auth', 'whoami', '--as', 'alice', '--as-group', 'devs']);
    expect(asAlice).toMatch(/^Username\s+alice$/m);
    expect(asAlice).toMatch(/^Groups\s+\[devs system:authenticated\]$/m);
    expect(api.kubectl(['get', 'pods', '-n', 'default', '--as', 'alice'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"\n',
    });
  });

  it('a ServiceAccount token from kubectl create token acts as the account until the account is deleted', async () => {
    admin(['create', '-f', '-'], 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: team}\n');
    admin(['create', '-f', '-'], roleBinding('bot-edit', 'edit', { kind: 'ServiceAccount', name: 'bot', namespace: 'team' }));
    const token = admin(['create', 'token', 'bot', '-n', 'team', '--duration=1h']).trim();
    expect(token.split('.')).toHaveLength(3);
    const bot = (args: string[]) => as(['--token', token], args);
    await until('bot is bound', () => bot(['auth', 'can-i', 'get', 'pods', '-n', 'team']).stdout === 'yes\n', { pollMs: 100 });
    const whoami = bot(['auth', 'whoami']).stdout;
    expect(whoami).toMatch(/^Username\s+system:serviceaccount:team:bot$/m);
    expect(whoami).toMatch(/^Groups\s+\[system:serviceaccounts system:serviceaccounts:team system:authenticated\]$/m);
    expect(bot(['auth', 'can-i', 'create', 'configmaps', '-n', 'team']).stdout).toBe('yes\n');
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made-by-bot, namespace: team}\ndata: {a: "1"}\n';
    expect(spawnSync('kubectl', ['--kubeconfig', emptyKubeconfig, '--cache-dir', join(api.dir, 'kube-cache', 'other'), '--server', api.url, '--certificate-authority', join(api.dir, 'certs', 'ca.crt'), '--token', token, 'create', '-f', '-'], { input: configMap, encoding: 'utf8', timeout: 30_000 }).stdout).toBe('configmap/made-by-bot created\n');
    expect(bot(['auth', 'can-i', 'create', 'configmaps', '-n', 'default'])).toMatchObject({ stdout: 'no\n', status: 1 });

    const other = admin(['create', 'token', 'bot', '-n', 'team', '--audience=someone-else']).trim();
    expect(as(['--token', other], ['get', 'configmaps', '-n', 'team'])).toMatchObject({ status: 1, stderr: UNAUTHORIZED });

    admin(['delete', 'serviceaccount', 'bot', '-n', 'team']);
    // A token that authenticated is taken for 10 s more (kube-apiserver's token cache), so the refusal comes within that.
    await until('the deleted account\'s token is refused', () => bot(['get', 'configmaps', '-n', 'team']).stderr === UNAUTHORIZED, { timeoutMs: 15_000, pollMs: 500 });
    expect(bot(['create', 'configmap', 'after-delete', '-n', 'team', '--from-literal=a=1'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });
    expect(admin(['get', 'configmaps', '-n', 'team', '-o', 'name'])).toBe('configmap/made-by-bot\n');
  });

  it('a token bound to a pod names it and stops working once the pod is gone', async () => {
    admin(['create', '-f', '-'], 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner, namespace: team}\n');
    admin(['create', '-f', '-'], roleBinding('runner-view', 'view', { kind: 'ServiceAccount', name: 'runner', namespace: 'team' }));
    const pod = (name: string, serviceAccountName: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team' }, spec: { serviceAccountName, containers: [{ name: 'c', image: 'busybox' }] } });
    admin(['create', '-f', '-'], pod('job-pod', 'runner'));
    admin(['create', '-f', '-'], pod('other-pod', 'default'));
    const refused = (podName: string): string => api.kubectl(['create', 'token', 'runner', '-n', 'team', '--bound-object-kind=Pod', `--bound-object-name=${podName}`]).stderr;
    expect(refused('missing')).toContain('pods "missing" not found');
    expect(refused('other-pod')).toContain('cannot bind token for serviceaccount "runner" to pod running with different serviceaccount name.');

    const token = admin(['create', 'token', 'runner', '-n', 'team', '--bound-object-kind=Pod', '--bound-object-name=job-pod']).trim();
    const runner = (args: string[]) => as(['--token', token], args);
    await until('runner is bound', () => runner(['auth', 'can-i', 'list', 'pods', '-n', 'team']).stdout === 'yes\n', { pollMs: 100 });
    const podUid = admin(['get', 'pod', 'job-pod', '-n', 'team', '-o', 'jsonpath={.metadata.uid}']);
    const review = JSON.parse(runner(['auth', 'whoami', '-o', 'json']).stdout) as { status: { userInfo: { extra: Record<string, string[]> } } };
    expect(review.status.userInfo.extra).toMatchObject({ 'authentication.kubernetes.io/pod-name': ['job-pod'], 'authentication.kubernetes.io/pod-uid': [podUid] });
    expect(runner(['get', 'pods', '-n', 'team', '-o', 'name'])).toMatchObject({ status: 0, stdout: expect.stringContaining('pod/job-pod\n') as string });

    admin(['delete', 'pod', 'job-pod', '-n', 'team', '--grace-period=0', '--force']);
    await until('the token of the deleted pod is refused', () => runner(['get', 'pods', '-n', 'team']).stderr === UNAUTHORIZED, { timeoutMs: 15_000, pollMs: 500 });
  });

  it('a kubelet certificate may write its own Node and Lease, and read only what its pods name', async () => {
    // A client certificate for node n1, signed with openssl by the CA the apiserver generated.
    const certs = join(api.dir, 'certs');
    const run = (args: string[]) => expect(spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 }).status).toBe(0);
    run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'n1.key'), '-subj', '/O=system:nodes/CN=system:node:n1', '-out', join(dir, 'n1.csr')]);
    run(['x509', '-req', '-in', join(dir, 'n1.csr'), '-CA', join(certs, 'ca.crt'), '-CAkey', join(certs, 'ca.key'), '-CAcreateserial', '-days', '1', '-out', join(dir, 'n1.crt')]);
    const kubelet = (args: string[], input?: string): KubectlResult => {
      const result = spawnSync('kubectl', ['--kubeconfig', emptyKubeconfig, '--cache-dir', join(api.dir, 'kube-cache', 'kubelet'), '--server', api.url, '--certificate-authority', join(certs, 'ca.crt'), '--client-certificate', join(dir, 'n1.crt'), '--client-key', join(dir, 'n1.key'), ...args], { encoding: 'utf8', input, timeout: 30_000 });
      return { stdout: result.stdout, stderr: result.stderr, status: result.status };
    };
    const node = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    const lease = (name: string) => JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name } });

    expect(kubelet(['auth', 'whoami']).stdout).toMatch(/^Username\s+system:node:n1$/m);
    expect(kubelet(['create', '-f', '-'], node('n1'))).toMatchObject({ status: 0, stdout: 'node/n1 created\n' });
    expect(kubelet(['create', '-f', '-'], node('n2'))).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): error when creating "STDIN": nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"\n',
    });
    expect(kubelet(['get', 'nodes', '-o', 'name']).stdout).toBe('node/n1\n');
    expect(kubelet(['create', '-f', '-'], lease('n1'))).toMatchObject({ status: 0, stdout: 'lease.coordination.k8s.io/n1 created\n' });
    expect(kubelet(['get', 'lease', 'n2', '-n', 'kube-node-lease'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): leases.coordination.k8s.io "n2" is forbidden: User "system:node:n1" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node\n',
    });
    expect(kubelet(['get', 'secrets', '-n', 'team'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): secrets is forbidden: User "system:node:n1" cannot list resource "secrets" in API group "" in the namespace "team": No Object name found\n',
    });

    // The graph: a pod bound to n1 that names a secret and a configmap lets n1 read those two, nothing else.
    const secret = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'team' }, stringData: { k: 'v' } });
    admin(['create', '-f', '-'], secret('db'));
    admin(['create', '-f', '-'], secret('unrelated'));
    const noRelation = (kind: string, name: string) => `Error from server (Forbidden): ${kind} "${name}" is forbidden: User "system:node:n1" cannot get resource "${kind}" in API group "" in the namespace "team": no relationship found between node 'n1' and this object\n`;
    expect(kubelet(['get', 'secret', 'db', '-n', 'team'])).toMatchObject({ status: 1, stderr: noRelation('secrets', 'db') });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'team' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'settings' } }] }] } };
    admin(['create', '-f', '-'], JSON.stringify(pod));
    admin(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team' }, data: { a: 'b' } }));
    await until('n1 may read the secret its pod names', () => kubelet(['get', 'secret', 'db', '-n', 'team', '-o', 'name']).stdout === 'secret/db\n', { timeoutMs: 10_000 });
    expect(kubelet(['get', 'configmap', 'settings', '-n', 'team', '-o', 'jsonpath={.data.a}']).stdout).toBe('b');
    expect(kubelet(['get', 'secret', 'unrelated', '-n', 'team'])).toMatchObject({ status: 1, stderr: noRelation('secrets', 'unrelated') });
    expect(kubelet(['auth', 'can-i', 'get', 'secret/db', '-n', 'team']).stdout).toBe('yes\n');
    // Deleting the pod cuts the path again.
    admin(['delete', 'pod', 'app', '-n', 'team', '--grace-period=0', '--force']);
    await until('the path is gone with the pod', () => kubelet(['get', 'secret', 'db', '-n', 'team']).stderr === noRelation('secrets', 'db'), { timeoutMs: 10_000 });
  });

  it('anonymous requests see only the public info', () => {
    // Basic credentials are no credential to kube-apiserver (kubectl would otherwise prompt for them).
    const anonymous = ['--username', 'nobody', '--password', 'none'];
    expect(as(anonymous, ['get', '--raw', '/version']).stdout).toContain('"minor":"32"');
    expect(as(anonymous, ['get', '--raw', '/api/v1/namespaces/default/pods'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"\n',
    });
    expect(as(anonymous, ['get', '--raw', '/metrics'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): forbidden: User "system:anonymous" cannot get path "/metrics"\n',
    });
  });

  it('bad tokens and certificates get 401 and write nothing', async () => {
    expect(as(['--token', 'not-a-token'], ['create', 'configmap', 'bad1', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });
    const forged = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = await new SignJWT({ 'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'bot', uid: 'x' } } })
      .setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience(ISSUER).setSubject('system:serviceaccount:team:bot').setIssuedAt(now).setExpirationTime(now + 600).sign(forged);
    expect(as(['--token', wrongKey], ['create', 'configmap', 'bad2', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });

    const ca = await createCertificateAuthority('not-the-cluster-ca');
    const cert = await issueCertificate(ca, { commonName: 'mallory', organization: 'system:masters', usages: ['client'] });
    writeFileSync(join(api.dir, 'mallory.crt'), cert.cert);
    writeFileSync(join(api.dir, 'mallory.key'), cert.key);
    expect(as(['--client-certificate', join(api.dir, 'mallory.crt'), '--client-key', join(api.dir, 'mallory.key')], ['create', 'configmap', 'bad3', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });

    // A JWT that does not parse, and one signed with the right key that has expired.
    expect(as(['--token', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln'], ['create', 'configmap', 'bad4', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });
    const saKey = createPrivateKey(readFileSync(join(dir, 'sa.key')));
    const expired = await new SignJWT({ 'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'default', uid: 'x' } } })
      .setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience(ISSUER).setSubject('system:serviceaccount:team:default').setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(saKey);
    expect(as(['--token', expired], ['create', 'configmap', 'bad5', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });
    // A certificate from the cluster's CA whose validity ended.
    const clusterCa = await certificateAuthorityFromPem({ cert: readFileSync(join(api.dir, 'certs', 'ca.crt'), 'utf8'), key: readFileSync(join(api.dir, 'certs', 'ca.key'), 'utf8') });
    const old = await issueCertificate(clusterCa, { commonName: 'kubernetes-admin', organization: 'system:masters', usages: ['client'], validityDays: 30 / 86_400 });
    writeFileSync(join(api.dir, 'old.crt'), old.cert);
    writeFileSync(join(api.dir, 'old.key'), old.key);
    expect(as(['--client-certificate', join(api.dir, 'old.crt'), '--client-key', join(api.dir, 'old.key')], ['create', 'configmap', 'bad6', '-n', 'team'])).toMatchObject({ status: 1, stderr: CREATE_UNAUTHORIZED });
    expect(admin(['get', 'configmaps', '-n', 'team', '-o', 'name'])).not.toMatch(/bad[1-6]/);
  });
});
