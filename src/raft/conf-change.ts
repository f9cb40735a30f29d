import type { ConfChange } from './types.js';
import { ConfChangeType } from './types.js';

// Wire form inside a ConfChange log entry: [type:u8][nodeId:u64 BE][context...].
const HEADER = 9;

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(HEADER + cc.context.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, cc.type);
  view.setBigUint64(1, cc.nodeId);
  out.set(cc.context, HEADER);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length < HEADER) throw new RangeError(`conf change entry too short: ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = view.getUint8(0);
  if (!(type in ConfChangeType)) throw new RangeError(`unknown conf change type ${type}`);
  return { type: type as ConfChangeType, nodeId: view.getBigUint64(1), context: data.slice(HEADER) };
}
