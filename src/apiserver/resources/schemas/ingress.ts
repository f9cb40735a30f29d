// networking.k8s.io/v1 Ingress.
import { atomicList, componentName, int32, kindSchema, list, obj, oneOf, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const networking = (kind: string) => componentName.api('networking', 'v1', kind);
const portStatus = obj(
  { port: int32('The port number of the ingress port.'), protocol: str('The protocol of the ingress port: TCP, UDP or SCTP.'), error: str('The problem with the service port.') },
  { required: ['port', 'protocol'] },
);

export const ingressSchemas: Record<string, SchemaNode> = {
  [networking('Ingress')]: kindSchema(
    { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
    'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
    {
      spec: ref(networking('IngressSpec'), 'The desired state of the Ingress.'),
      status: ref(networking('IngressStatus'), 'The current state of the Ingress.'),
    },
  ),
  [networking('IngressSpec')]: obj(
    {
      ingressClassName: str('The name of an IngressClass cluster resource.'),
      defaultBackend: ref(networking('IngressBackend'), 'The backend that should handle requests that don\'t match any rule.'),
      tls: atomicList(obj({ hosts: atomicList(str(), 'Hosts included in the TLS certificate.'), secretName: str('The name of the secret used to terminate TLS traffic on port 443.') }), 'TLS configuration.'),
      rules: atomicList(
        obj({
          host: str('The fully qualified domain name of a network host, as defined by RFC 3986.'),
          http: obj(
            {
              paths: atomicList(
                obj(
                  {
                    path: str('Matched against the path of an incoming request.'),
                    pathType: oneOf(['Exact', 'ImplementationSpecific', 'Prefix'], 'How a path match is interpreted.'),
                    backend: ref(networking('IngressBackend'), 'The referenced service endpoint to which the traffic will be forwarded to.'),
                  },
                  { required: ['pathType', 'backend'] },
                ),
                'A collection of paths that map requests to backends.',
              ),
            },
            { required: ['paths'] },
          ),
        }),
        'A list of host rules used to configure the Ingress.',
      ),
    },
    { description: 'IngressSpec describes the Ingress the user wishes to exist.' },
  ),
  [networking('IngressBackend')]: obj(
    {
      service: obj(
        {
          name: str('The referenced service; it must exist in the same namespace as the Ingress object.'),
          port: obj({ name: str('The name of the port on the Service.'), number: int32('The numerical port number on the Service.') }, { description: 'The port of the referenced service.' }),
        },
        { description: 'A referenced service.', required: ['name'] },
      ),
      resource: obj(
        { apiGroup: str('The group of the referenced resource; the core group when empty.'), kind: str('The kind of the referenced resource.'), name: str('The name of the referenced resource.') },
        { description: 'An ObjectRef to another Kubernetes resource in the namespace of the Ingress object.', required: ['kind', 'name'], extra: { 'x-kubernetes-map-type': 'atomic' } },
      ),
    },
    { description: 'IngressBackend describes all endpoints for a given service and port.' },
  ),
  [networking('IngressStatus')]: obj(
    {
      loadBalancer: obj(
        { ingress: atomicList(obj({ ip: str('IP for load-balancer ingress points that are IP based.'), hostname: str('Hostname for DNS based load-balancer ingress points.'), ports: list(portStatus, { listType: 'atomic' }) }), 'A list containing ingress points for the load-balancer.') },
        { description: 'The current status of the load-balancer.' },
      ),
    },
    { description: 'IngressStatus describe the current state of the Ingress.' },
  ),
};
