// The protobuf body decoder: real bytes kubectl 1.32 sent against the JSON kubectl 1.31 sends for the
// same command, and hand-encoded messages for the apimachinery types and Go's omitempty rules.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apiserver/errors/status.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../../../src/apiserver/protobuf/decode.js';
import { DEPLOYMENT_FROM_KUBECTL_1_32, DEPLOYMENT_JSON_FROM_KUBECTL_1_31, envelope, message } from './protobuf-fixtures.js';

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected a Status error');
}

describe('Kubernetes protobuf bodies', () => {
  it('decodes what kubectl 1.32 sends into the JSON kubectl 1.31 sends', () => {
    const body = Buffer.from(DEPLOYMENT_FROM_KUBECTL_1_32, 'hex');
    expect(isKubernetesProtobuf(body)).toBe(true);
    expect(decodeKubernetesProtobuf(body)).toEqual(DEPLOYMENT_JSON_FROM_KUBECTL_1_31);
  });

  it('prints Time, IntOrString, Quantity and bytes as their JSON forms', () => {
    const meta = message([[1, 'web'], [8, [[1, 1700000000]]], [9, [[1, 1700000060], [2, 5]]], [10, 0]]);
    const service = message([
      [1, meta],
      [2, [[1, [[3, 80], [4, [[1, 0], [2, 8080]]]]], [1, [[1, 'https'], [3, 443], [4, [[1, 1], [3, 'https']]]]]]],
    ]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'Service', service))).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', creationTimestamp: '2023-11-14T22:13:20Z', deletionTimestamp: '2023-11-14T22:14:20Z', deletionGracePeriodSeconds: 0 },
      spec: { ports: [{ port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 'https' }] },
    });
    const secret = message([[1, [[1, 's']]], [2, [[1, 'k'], [2, Uint8Array.from([0, 255])]]], [3, 'Opaque']]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'Secret', secret))).toMatchObject({ data: { k: 'AP8=' }, type: 'Opaque' });
    const quota = message([[1, [[1, 'q']]], [2, [[1, [[1, 'cpu'], [2, [[1, '500m']]]]]]]]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'ResourceQuota', quota))).toMatchObject({ spec: { hard: { cpu: '500m' } } });
  });

  it('keeps zero values of pointer fields, drops those of omitempty ones, prints fields without omitempty', () => {
    // replicas is *int32 (an explicit 0 stays), minReadySeconds an omitempty int32.
    const spec = message([[1, 0], [5, 0], [3, [[2, [[2, [[1, 'c']]]]]]]]);
    const decoded = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', message([[1, [[1, 'd']]], [2, spec]])));
    expect(decoded['spec']).toEqual({ replicas: 0, template: { spec: { containers: [{ name: 'c' }] } } });
    // Role.rules has no omitempty: null when none were sent, as Go prints a nil slice.
    expect(decodeKubernetesProtobuf(envelope('rbac.authorization.k8s.io/v1', 'Role', message([[1, [[1, 'r']]]])))).toEqual({
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'r' },
      rules: null,
    });
  });

  it('joins inlined structs into their parent (a volume and its source)', () => {
    const podSpec = message([[1, [[1, 'data'], [2, [[2, [[1, 'Memory']]]]]]], [2, [[1, 'c']]]]);
    // A typed client sends the zero PodStatus as an empty message: `{}`, as Go prints it.
    const decoded = decodeKubernetesProtobuf(envelope('v1', 'Pod', message([[1, [[1, 'p']]], [2, podSpec], [3, new Uint8Array()]])));
    expect(decoded['spec']).toEqual({ volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }], containers: [{ name: 'c' }] });
    expect(decoded['status']).toEqual({});
  });

  it('answers bad bodies with a 400 Status, never a crash', () => {
    expect(statusOf(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')))).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(statusOf(() => decodeKubernetesProtobuf(envelope('v1', 'Widget', new Uint8Array())))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'no kind "Widget" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    });
    const truncated = Buffer.from(DEPLOYMENT_FROM_KUBECTL_1_32, 'hex').subarray(0, 60);
    expect(statusOf(() => decodeKubernetesProtobuf(truncated))).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(statusOf(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', message([[99, 'x']]))))).toMatchObject({
      code: 400,
      message: 'proto: ConfigMap: field 99 is not supported by this server',
    });
    expect(statusOf(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', message([[1, 7]]))))).toMatchObject({
      code: 400,
      message: 'proto: wrong wireType = 0 for field metadata of ConfigMap',
    });
    // NodeSpec.configSource (field 6) is not among the fields this server knows.
    const node = message([[1, [[1, 'n']]], [2, [[6, [[2, [[1, 'kube-system']]]]]]]]);
    expect(statusOf(() => decodeKubernetesProtobuf(envelope('v1', 'Node', node)))).toMatchObject({ code: 400, message: 'proto: NodeSpec: field 6 is not supported by this server' });
  });
});
