// networking.k8s.io/v1 Ingress validation and table (pkg/apis/networking/validation and its printer).
import { invalid, notSupported, RawValue, required } from '../schema/field-errors.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(backend: Json | undefined, path: string, causes: FieldCause[]): void {
  if (!backend) {
    causes.push(required(path));
    return;
  }
  const service = recordAt(backend, 'service');
  const resource = recordAt(backend, 'resource');
  if (service && resource) causes.push(invalid(path, '', 'cannot set both resource and service backends'));
  else if (!service && !resource) causes.push(invalid(path, '', 'one backend (resource or service) must be specified'));
  if (service) {
    const port = recordAt(service, 'port') ?? {};
    if (!stringAt(service, 'name')) causes.push(required(`${path}.service.name`));
    if (port.name !== undefined && port.number !== undefined) causes.push(invalid(`${path}.service.port`, '', 'cannot set both port name & port number'));
    else if (port.name === undefined && port.number === undefined) causes.push(required(`${path}.service.port`, 'port name or number is required'));
  }
}

export function validateIngress(ingress: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(ingress, true, dns1123Subdomain);
  const spec = recordAt(ingress, 'spec') ?? {};
  const rules = recordsAt(spec, 'rules');
  const defaultBackend = recordAt(spec, 'defaultBackend');
  if (!defaultBackend && rules.length === 0) causes.push(invalid('spec', new RawValue('networking.IngressSpec{...}'), 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend) validateBackend(defaultBackend, 'spec.defaultBackend', causes);
  rules.forEach((rule, i) => {
    recordsAt(recordAt(rule, 'http'), 'paths').forEach((entry, j) => {
      const path = `spec.rules[${i}].http.paths[${j}]`;
      const pathType = stringAt(entry, 'pathType');
      if (pathType === undefined) causes.push(required(`${path}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(pathType)) causes.push(notSupported(`${path}.pathType`, pathType, PATH_TYPES));
      else if (pathType !== 'ImplementationSpecific' && !(stringAt(entry, 'path') ?? '').startsWith('/')) {
        causes.push(invalid(`${path}.path`, stringAt(entry, 'path') ?? '', 'must be an absolute path'));
      }
      validateBackend(recordAt(entry, 'backend'), `${path}.backend`, causes);
    });
  });
  return causes;
}

/** formatHosts: up to three hosts, then a count; '*' when no rule names one. */
function hosts(rules: Json[]): string {
  const names = rules.map((r) => stringAt(r, 'host')).filter((h): h is string => !!h);
  if (names.length === 0) return '*';
  return names.length > 3 ? `${names.slice(0, 3).join(',')} + ${names.length - 3} more...` : names.join(',');
}

export const ingressTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  row: (obj, now) => {
    const spec = recordAt(obj, 'spec');
    const points = recordsAt(recordAt(recordAt(obj, 'status'), 'loadBalancer'), 'ingress').map((p) => stringAt(p, 'ip') ?? stringAt(p, 'hostname') ?? '');
    return [
      nameOf(obj),
      stringAt(spec, 'ingressClassName') ?? '<none>',
      hosts(recordsAt(spec, 'rules')),
      points.filter(Boolean).join(','),
      recordsAt(spec, 'tls').length > 0 ? '80, 443' : '80',
      ageOf(obj, now),
    ];
  },
};
