// Kubernetes protobuf bytes for the decoder's and the encoder's tests: what kubectl 1.32 really sent,
// and messages built by hand from [field number, value] pairs.
import protobuf from 'protobufjs';

/** `kubectl.1.32 create deployment dp32 --image=nginx --replicas=2 --port=80`, as sent. */
export const DEPLOYMENT_FROM_KUBECTL_1_32 =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bc010a210a046470333212001a0022002a003200380042005a0b0a036170701204647033321288010802120d0a0b0a036170701204647033321a6d0a1d0a0012001a0022002a003200380042005a0b0a03617070120464703332124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';

/** What kubectl 1.31 sends as JSON for the same command. */
export const DEPLOYMENT_JSON_FROM_KUBECTL_1_31 = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'dp32', creationTimestamp: null, labels: { app: 'dp32' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'dp32' } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'dp32' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
    },
    strategy: {},
  },
  status: {},
};

export type Field = [number, number | boolean | string | Uint8Array | Field[]];

/** A message from [number, value] pairs: numbers and booleans as varints, nested lists as messages. */
export function message(fields: Field[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const [number, value] of fields) {
    if (typeof value === 'number') writer.uint32(number << 3).int64(value);
    else if (typeof value === 'boolean') writer.uint32(number << 3).bool(value);
    else if (typeof value === 'string') writer.uint32((number << 3) | 2).string(value);
    else writer.uint32((number << 3) | 2).bytes(value instanceof Uint8Array ? value : message(value));
  }
  return writer.finish();
}

export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), message([[1, [[1, apiVersion], [2, kind]]], [2, raw]])]);
}

