// Validation causes with kube-apiserver's fields and messages.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { admitted, deployment, pod, specFor, template } from './support.js';

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('pods', () => {
  const spec = specFor('', 'Pod');

  it.each<[string, KubeObject, string[]]>([
    ['an upper-case name', pod({ containers: [{ name: 'a', image: 'a' }] }, 'Foo'), [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MESSAGE}`]],
    ['no containers', pod({}), ['spec.containers: Required value']],
    ['a container without an image', pod({ containers: [{ name: 'a' }] }), ['spec.containers[0].image: Required value']],
    ['two containers with one name', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }), ['spec.containers[1].name: Duplicate value: "a"']],
    [
      'an unknown restart policy',
      pod({ containers: [{ name: 'a', image: 'x' }], restartPolicy: 'Sometimes' }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    ['port 0', pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    [
      'a mount of a missing volume',
      pod({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }),
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      'requests above limits',
      pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }),
      ['spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ],
    [
      'a volume with two sources and a bad port name',
      pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }], containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, name: 'HTTP' }] }] }),
      [
        'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
        'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    ],
    [
      'an Exists toleration with a value',
      pod({ containers: [{ name: 'a', image: 'x' }], tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }),
      ["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"],
    ],
    [
      'a bad label value',
      { ...pod({ containers: [{ name: 'a', image: 'x' }] }), metadata: { name: 'p', namespace: 'default', labels: { app: 'bad value' } } },
      [
        "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
  ])('rejects %s', (_what, obj, expected) => {
    expect(admitted(spec, obj)).toEqual(expected);
  });

  it('accepts a plain pod', () => {
    expect(admitted(spec, pod({ containers: [{ name: 'nginx', image: 'nginx' }] }))).toEqual([]);
  });

  it('forbids changing anything but images, deadlines, tolerations and grace on update', () => {
    const old = pod({ containers: [{ name: 'a', image: 'x:1' }] });
    spec.defaults(old, undefined);
    const newImage = structuredClone(old) as Record<string, any>;
    newImage.spec.containers[0].image = 'x:2';
    expect(spec.validate(newImage, old)).toEqual([]);
    const newName = structuredClone(old) as Record<string, any>;
    newName.spec.containers[0].name = 'b';
    const causes = spec.validate(newName, old);
    expect(causes.map((c) => [c.field, c.reason])).toEqual([['spec', 'FieldValueForbidden']]);
    expect(causes[0]!.message).toMatch(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});

describe('deployments, replica sets and jobs', () => {
  it('requires a selector that matches the template labels', () => {
    expect(admitted(specFor('apps', 'Deployment'), deployment({ template: template({ app: 'web' }) }))).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    expect(admitted(specFor('apps', 'Deployment'), deployment({ selector: { matchLabels: { app: 'api' } }, template: template({ app: 'web' }) }))).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('rejects negative replicas, a Never restart policy and a 0/0 rolling update', () => {
    const d = deployment({
      replicas: -1,
      selector: { matchLabels: { app: 'web' } },
      template: template({ app: 'web' }, { restartPolicy: 'Never' }),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
    });
    expect(admitted(specFor('apps', 'Deployment'), d)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
  });

  it('keeps a replica set selector immutable', () => {
    const spec = specFor('apps', 'ReplicaSet');
    const old: KubeObject = { metadata: { name: 'rs', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }) } };
    spec.defaults(old, undefined);
    const changed = structuredClone(old) as Record<string, any>;
    changed.spec.selector = { matchLabels: { app: 'b' } };
    changed.spec.template.metadata.labels = { app: 'b' };
    expect(spec.validate(changed, old).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('only lets a job restart OnFailure or Never', () => {
    const job: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'u' }, spec: { template: template({}) } };
    expect(admitted(specFor('batch', 'Job'), job)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });
});

describe('other kinds', () => {
  it('names services as DNS-1035 labels and needs ports', () => {
    expect(admitted(specFor('', 'Service'), { metadata: { name: '1web', namespace: 'default' }, spec: { selector: { app: 'web' } } })).toEqual([
      "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.ports: Required value',
    ]);
  });

  it('names namespaces as RFC 1123 labels', () => {
    expect(admitted(specFor('', 'Namespace'), { metadata: { name: 'a.b' } })).toEqual([
      "metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('checks config map keys and requires a name', () => {
    expect(admitted(specFor('', 'ConfigMap'), { metadata: { namespace: 'default' }, data: { 'a b': 'x' } })).toEqual([
      'metadata.name: Required value: name or generateName is required',
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it('requires tls.crt and tls.key in a TLS secret', () => {
    expect(admitted(specFor('', 'Secret'), { metadata: { name: 't', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } })).toEqual(['data[tls.key]: Required value']);
  });

  it('never lets a binding change its role', () => {
    const spec = specFor('rbac.authorization.k8s.io', 'RoleBinding');
    const old: KubeObject = { metadata: { name: 'b', namespace: 'default' }, roleRef: { kind: 'Role', name: 'a' }, subjects: [{ kind: 'User', name: 'jane' }] };
    expect(admitted(spec, old)).toEqual([]);
    const changed = { ...structuredClone(old), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } };
    expect(admitted(spec, changed, old)).toEqual(['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef']);
  });

  it('wants a lease duration above zero', () => {
    expect(admitted(specFor('coordination.k8s.io', 'Lease'), { metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0 } })).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ]);
  });

  it('names a CRD after its plural and group', () => {
    const crd: KubeObject = {
      metadata: { name: 'crontab.stable.example.com' },
      spec: { group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: {} } } } } }] },
    };
    expect(admitted(specFor('apiextensions.k8s.io', 'CustomResourceDefinition'), crd)).toEqual([
      'metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    ]);
  });
});
