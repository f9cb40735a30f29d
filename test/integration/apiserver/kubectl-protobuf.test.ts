// kubectl 1.32 and 1.33 typed commands (create <kind>, create token, auth whoami, auth can-i, drain) send
// their bodies as Kubernetes protobuf with no JSON fallback. Each command runs with that kubectl and
// with kubectl 1.31 (which sends JSON); both must print the same and store the same object. Bodies and
// URLs the server cannot read get the real server's 415 and 400.

import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiserverOnBarge } from './apiserver-process.js';

const KUBECTL_DIR = dirname(realpathSync(execFileSync('which', ['kubectl'], { encoding: 'utf8' }).trim()));

// A ServiceAccount token signer, so `kubectl create token` has something to answer with.
const keyDir = mkdtempSync(join(tmpdir(), 'sa-keys-'));
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
writeFileSync(join(keyDir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(keyDir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

/** A typed create command for object `N` and the resource `kubectl get` reads it back as. */
interface Command {
  readonly args: string;
  readonly resource: string;
  readonly printed: string;
}

const COMMANDS: readonly Command[] = [
  { args: 'create configmap N --from-literal=a=b --from-literal=n=1', resource: 'configmap', printed: 'configmap/N created' },
  { args: 'create secret generic N --from-literal=k=v', resource: 'secret', printed: 'secret/N created' },
  { args: 'create secret docker-registry N --docker-username=u --docker-password=p --docker-server=r.example', resource: 'secret', printed: 'secret/N created' },
  { args: 'create deployment N --image=nginx --replicas=2 --port=80', resource: 'deployment', printed: 'deployment.apps/N created' },
  { args: 'create job N --image=busybox -- echo hi', resource: 'job', printed: 'job.batch/N created' },
  { args: 'create cronjob N --image=busybox --schedule=*/5_*_*_*_* -- date', resource: 'cronjob', printed: 'cronjob.batch/N created' },
  { args: 'create namespace N', resource: 'namespace', printed: 'namespace/N created' },
  { args: 'create service clusterip N --tcp=80:8080', resource: 'service', printed: 'service/N created' },
  { args: 'create service nodeport N --tcp=80:8080', resource: 'service', printed: 'service/N created' },
  { args: 'create service externalname N --external-name=example.com', resource: 'service', printed: 'service/N created' },
  { args: 'create serviceaccount N', resource: 'serviceaccount', printed: 'serviceaccount/N created' },
  { args: 'create quota N --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort', resource: 'resourcequota', printed: 'resourcequota/N created' },
  { args: 'create priorityclass N --value=1000 --description=d --preemption-policy=Never', resource: 'priorityclass', printed: 'priorityclass.scheduling.k8s.io/N created' },
  { args: 'create role N --verb=get,list --resource=pods,deployments.apps --resource-name=a', resource: 'role', printed: 'role.rbac.authorization.k8s.io/N created' },
  { args: 'create rolebinding N --role=r --user=alice --group=g --serviceaccount=default:sa', resource: 'rolebinding', printed: 'rolebinding.rbac.authorization.k8s.io/N created' },
  { args: 'create clusterrole N --verb=get --resource=nodes --non-resource-url=/logs/*', resource: 'clusterrole', printed: 'clusterrole.rbac.authorization.k8s.io/N created' },
  { args: 'create clusterrole N --aggregation-rule=team=a', resource: 'clusterrole', printed: 'clusterrole.rbac.authorization.k8s.io/N created' },
  { args: 'create clusterrolebinding N --clusterrole=view --user=bob', resource: 'clusterrolebinding', printed: 'clusterrolebinding.rbac.authorization.k8s.io/N created' },
  { args: 'create poddisruptionbudget N --selector=app=x --min-available=50%', resource: 'poddisruptionbudget', printed: 'poddisruptionbudget.policy/N created' },
  { args: 'create pdb N --selector=app=y --max-unavailable=1', resource: 'poddisruptionbudget', printed: 'poddisruptionbudget.policy/N created' },
  {
    args: 'create ingress N --class=nginx --rule=foo.com/bar=svc1:8080,tls=secret1 --default-backend=dsvc:80',
    resource: 'ingress',
    printed: 'ingress.networking.k8s.io/N created',
  },
];

/** The stored object with what differs between any two creates (identity, times, allocations) masked. */
function comparable(json: string, name: string): unknown {
  const obj = JSON.parse(json) as { metadata: { uid: string; resourceVersion?: string; creationTimestamp?: string; managedFields?: { time?: string }[] }; spec?: Record<string, unknown> };
  const { uid } = obj.metadata;
  delete obj.metadata.resourceVersion;
  delete obj.metadata.creationTimestamp;
  for (const entry of obj.metadata.managedFields ?? []) delete entry.time;
  if (obj.spec) {
    delete obj.spec['clusterIP'];
    delete obj.spec['clusterIPs'];
    for (const port of (obj.spec['ports'] as Record<string, unknown>[] | undefined) ?? []) delete port['nodePort'];
  }
  return JSON.parse(JSON.stringify(obj).replaceAll(uid, 'UID').replaceAll(name, 'NAME')) as unknown;
}

describe('kubectl typed commands with protobuf bodies', () => {
  const env = apiserverOnBarge(120_000, [
    `--service-account-signing-key-file=${join(keyDir, 'sa.key')}`,
    `--service-account-key-file=${join(keyDir, 'sa.pub')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
  ]);
  const run = (version: string, args: readonly string[]): string => {
    const result = env.api.kubectl(args, { binary: join(KUBECTL_DIR, `kubectl.${version}`) });
    if (result.status !== 0) throw new Error(`kubectl.${version} ${args.join(' ')} failed: ${result.stderr}\n${env.api.log.slice(-1500)}`);
    return result.stdout;
  };
  const argv = (args: string, name: string) => args.split(' ').map((a) => a.replace(/^N$/, name).replaceAll('_', ' '));

  it.each(['1.32', '1.33'])('kubectl %s: every create prints and stores what kubectl 1.31 (JSON) does', (version) => {
    const minor = version.split('.')[1]!;
    COMMANDS.forEach((command, i) => {
      const viaProtobuf = `pb${minor}-${i}`;
      const viaJson = `js${minor}-${i}`;
      expect(run(version, argv(command.args, viaProtobuf))).toBe(`${command.printed.replace('N', viaProtobuf)}\n`);
      expect(run('1.31', argv(command.args, viaJson))).toBe(`${command.printed.replace('N', viaJson)}\n`);
      const stored = (name: string) => comparable(run(version, ['get', command.resource, name, '-o', 'json']), name);
      expect(stored(viaProtobuf), command.args).toEqual(stored(viaJson));
    });
  }, 400_000);

  it.each(['1.32', '1.33'])('kubectl %s sends protobuf bodies', (version) => {
    const result = env.api.kubectl(['create', 'configmap', `wire-${version.replace('.', '-')}`, '-v=8'], { binary: join(KUBECTL_DIR, `kubectl.${version}`) });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
  });

  it.each(['1.32', '1.33'])('kubectl %s: create token, auth whoami and auth can-i', (version) => {
    run(version, ['create', 'serviceaccount', `robot-${version.replace('.', '-')}`]);
    const token = run(version, ['create', 'token', `robot-${version.replace('.', '-')}`, '--duration=10m', '--audience=aud']).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { aud: string[]; sub: string; exp: number; iat: number };
    expect(claims.aud).toEqual(['aud']);
    expect(claims.sub).toBe(`system:serviceaccount:default:robot-${version.replace('.', '-')}`);
    expect(claims.exp - claims.iat).toBe(600);
    expect(run(version, ['auth', 'whoami'])).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m);
    expect(run(version, ['auth', 'can-i', 'list', 'pods'])).toBe('yes\n');
    // The rules review (whatever the authorizer lists) reads the same as the JSON one.
    const rules = run(version, ['auth', 'can-i', '--list']);
    expect(rules).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(rules).toBe(run('1.31', ['auth', 'can-i', '--list']));
  });

  it.each(['1.32', '1.33'])('kubectl %s drain evicts a pod through a protobuf Eviction', (version) => {
    const binary = join(KUBECTL_DIR, `kubectl.${version}`);
    const node = `drained-${version.replace('.', '-')}`;
    const pod = `evicted-${version.replace('.', '-')}`;
    const manifest = `apiVersion: v1\nkind: Node\nmetadata: {name: ${node}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${pod}}\nspec: {nodeName: ${node}, containers: [{name: c, image: nginx}]}\n`;
    expect(env.api.kubectl(['create', '-f', '-'], { binary, input: manifest }).status).toBe(0);
    const drained = env.api.kubectl(['drain', node, '--force', '--grace-period=0', '--timeout=60s'], { binary });
    expect(drained.stderr).not.toMatch(/error/i);
    expect(drained.stdout).toBe(`node/${node} cordoned\nevicting pod default/${pod}\npod/${pod} evicted\nnode/${node} drained\n`);
    expect(env.api.kubectl(['get', 'pod', pod], { binary }).status).toBe(1);
  });

  const raw = async (method: string, path: string, headers: Record<string, string>, body = '') => {
    const answer = await env.api.request(method, path, headers, body);
    return { ...answer, body: answer.body.toString() };
  };

  it('answers a body of an unknown media type with a 415 Status naming the accepted ones', async () => {
    const answer = await raw('POST', '/api/v1/namespaces/default/configmaps', { 'Content-Type': 'text/plain' }, 'x');
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({
      kind: 'Status',
      reason: 'UnsupportedMediaType',
      code: 415,
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
  });

  it('answers a malformed URL with 400 as Go\'s HTTP server does, and reads bytes that are not UTF-8 as a name', async () => {
    const malformed = await raw('GET', '/api/v1/namespaces/%zz/configmaps', {});
    expect(malformed).toMatchObject({ status: 400, body: '400 Bad Request', headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' } });
    const notUtf8 = await raw('GET', '/api/v1/namespaces/default/configmaps/%ff', {});
    expect(notUtf8.status).toBe(404);
    expect(JSON.parse(notUtf8.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});
