import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bucket, bucketKey, StateBackend } from '../../../src/storage/backend.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const freshPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-backend-'));
  dirs.push(dir);
  return join(dir, 'db');
};
const key = (s: string) => bucketKey(Bucket.Keyspace, Buffer.from(s));
const value = (s: string) => Buffer.from(s);

describe('state backend commits', () => {
  it('issued back to back without waiting, all land in order with the last consistent index', async () => {
    const path = freshPath();
    const backend = await StateBackend.open(path);
    const written: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) {
      backend.put(key('same'), value(`v${i}`));
      backend.put(key(`k${i}`), value(`v${i}`));
      if (i % 10 === 0) backend.del(key(`k${i - 5}`));
      written.push(backend.commit(i));
    }
    await Promise.all(written);
    await backend.close();

    const reopened = await StateBackend.open(path);
    expect(reopened.consistentIndex).toBe(50);
    expect(Buffer.from((await reopened.get(key('same')))!).toString()).toBe('v50');
    expect(await reopened.get(key('k45'))).toBeUndefined();
    expect(Buffer.from((await reopened.get(key('k44')))!).toString()).toBe('v44');
    await reopened.close();
  });

  it('keep a separate write in its place: commits after it are not moved before it', async () => {
    const path = freshPath();
    const backend = await StateBackend.open(path);
    backend.put(key('a'), value('1'));
    const first = backend.commit(1);
    backend.put(key('a'), value('2'));
    const second = backend.commit(2); // joins a batch while the first may still be written
    const removal = backend.write([{ type: 'del', key: key('a') }]);
    backend.put(key('a'), value('3'));
    const third = backend.commit(3);
    await Promise.all([first, second, removal, third]);
    expect(Buffer.from((await backend.get(key('a')))!).toString()).toBe('3');
    await backend.close();
  });
});
