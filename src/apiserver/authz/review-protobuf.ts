// kubectl's typed clients (auth whoami, auth can-i, create token) send their request bodies as
// Kubernetes protobuf: the `k8s\0` magic, a runtime.Unknown envelope, and the generated message. The
// review and TokenRequest kinds are read here, field numbers as in k8s.io/api's generated.proto.

type Fields = Map<number, (Buffer | number)[]>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('truncated varint');
}

/** One message's fields: varints as numbers, length-delimited fields as bytes (fixed widths skipped). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = varint(buf, at);
    at = next;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number | undefined;
    if (wire === 0) [value, at] = varint(buf, at);
    else if (wire === 2) {
      const [length, start] = varint(buf, at);
      value = buf.subarray(start, start + length);
      at = start + length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (value !== undefined) out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const str = (f: Fields, n: number): string | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const strs = (f: Fields, n: number): string[] => (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v)).map((b) => b.toString('utf8'));
const sub = (f: Fields, n: number): Fields | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
};
const num = (f: Fields, n: number): number | undefined => {
  const v = f.get(n)?.[0];
  return typeof v === 'number' ? v : undefined;
};

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

function resourceAttributes(f: Fields | undefined): Record<string, unknown> | undefined {
  if (!f) return undefined;
  return compact({ namespace: str(f, 1), verb: str(f, 2), group: str(f, 3), version: str(f, 4), resource: str(f, 5), subresource: str(f, 6), name: str(f, 7) });
}

function nonResourceAttributes(f: Fields | undefined): Record<string, unknown> | undefined {
  return f ? compact({ path: str(f, 1), verb: str(f, 2) }) : undefined;
}

function accessSpec(spec: Fields, withSubject: boolean): Record<string, unknown> {
  return compact({
    resourceAttributes: resourceAttributes(sub(spec, 1)),
    nonResourceAttributes: nonResourceAttributes(sub(spec, 2)),
    ...(withSubject ? { user: str(spec, 3), groups: strs(spec, 4), uid: str(spec, 6) } : {}),
  });
}

export function isKubernetesProtobuf(body: Buffer): boolean {
  return body.subarray(0, 4).equals(MAGIC);
}

/** The JSON form of a protobuf review or TokenRequest body (its spec; the rest is not read). */
export function decodeReviewProtobuf(body: Buffer): Record<string, unknown> {
  const unknown = fields(body.subarray(4));
  const typeMeta = sub(unknown, 1);
  const kind = typeMeta ? str(typeMeta, 2) : undefined;
  const raw = unknown.get(2)?.[0];
  const message = Buffer.isBuffer(raw) ? fields(raw) : new Map();
  const spec = sub(message, 2) ?? new Map();
  switch (kind) {
    case 'SelfSubjectAccessReview':
      return { kind, spec: accessSpec(spec, false) };
    case 'SubjectAccessReview':
      return { kind, spec: accessSpec(spec, true) };
    case 'SelfSubjectRulesReview':
      return { kind, spec: compact({ namespace: str(spec, 1) }) };
    case 'TokenRequest':
      return { kind, spec: compact({ audiences: strs(spec, 1), expirationSeconds: num(spec, 4) }) };
    default:
      return { kind };
  }
}
