import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES_FILE, renderMessages } from '../../../src/wire/generate-messages.js';
import { messageType, protoRoot } from '../../../src/wire/proto.js';

describe('generated message types', () => {
  it('match proto/ (run `npm run gen:wire` after changing a .proto file)', () => {
    expect(readFileSync(MESSAGES_FILE, 'utf8')).toBe(renderMessages(protoRoot));
  });

  it('decoded bytes fields are Buffers even when unset, as their type says', () => {
    const put = messageType('etcdserverpb.PutRequest').decode(new Uint8Array(0));
    expect(Buffer.isBuffer(put.key)).toBe(true);
    expect(put.key.length).toBe(0);
    const kv = messageType('mvccpb.KeyValue').decode(messageType('mvccpb.KeyValue').encode({ value: Buffer.from('v') }).finish());
    expect(Buffer.isBuffer(kv.key)).toBe(true);
    expect(kv.value.toString()).toBe('v');
  });

  it('an unset bytes field is still left out of the encoding', () => {
    const type = messageType('etcdserverpb.PutRequest');
    expect(type.encode(type.decode(new Uint8Array(0))).finish().length).toBe(0);
  });
});
