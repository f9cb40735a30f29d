// A state backend batch that fails is never swallowed: the commit, every later commit and flushed() reject,
// and nothing is written after the failure (the disk keeps the last good consistent index).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The injector reads the environment once, when storage is first loaded.
process.env['BARGE_FAULT_INJECT'] = 'backend-commit:after=2';
const { Bucket, bucketKey, StateBackend } = await import('../../../src/storage/backend.js');
const { BackendFailedError } = await import('../../../src/storage/errors.js');
const { FaultInjector, InjectedFaultError } = await import('../../../src/storage/fault-injection.js');
delete process.env['BARGE_FAULT_INJECT'];

const dir = mkdtempSync(join(tmpdir(), 'barge-backend-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = (s: string) => bucketKey(Bucket.Keyspace, Buffer.from(s));

describe('a failed state backend write', () => {
  it('rejects its commit, every later commit and flushed(), and leaves the last good index on disk', async () => {
    const path = join(dir, 'db');
    const backend = await StateBackend.open(path);
    backend.put(key('a'), Buffer.from('1'));
    await backend.commit(1);
    backend.put(key('b'), Buffer.from('2'));
    await backend.commit(2);
    backend.put(key('c'), Buffer.from('3'));
    const failed = backend.commit(3);
    await expect(failed).rejects.toBeInstanceOf(BackendFailedError);
    await expect(failed).rejects.toMatchObject({ cause: expect.any(InjectedFaultError) });
    await expect(backend.flushed()).rejects.toBeInstanceOf(BackendFailedError);
    backend.put(key('d'), Buffer.from('4'));
    await expect(backend.commit(4)).rejects.toBeInstanceOf(BackendFailedError);
    await expect(backend.write([{ type: 'del', key: key('a') }])).rejects.toBeInstanceOf(BackendFailedError);
    await backend.close();

    const reopened = await StateBackend.open(path);
    expect(reopened.consistentIndex).toBe(2);
    expect(await reopened.get(key('c'))).toBeUndefined();
    expect(await reopened.get(key('a'))).toBeDefined();
    await reopened.close();
  });
});

describe('BARGE_FAULT_INJECT', () => {
  it('fails a point after its allowance and leaves the others alone', () => {
    const faults = FaultInjector.parse('raft-log-append:after=1,snapshot-install:after=0');
    expect(() => faults.check('snapshot-install')).toThrow('injected disk failure at snapshot-install');
    faults.check('raft-log-append');
    expect(() => faults.check('raft-log-append')).toThrow(InjectedFaultError);
    for (let i = 0; i < 5; i++) faults.check('backend-commit');
  });

  it('refuses a setting it does not understand', () => {
    expect(() => FaultInjector.parse('backend:after=1')).toThrow(/cannot parse "backend:after=1"/);
    expect(() => FaultInjector.parse('hard-state:after=x')).toThrow(/cannot parse/);
    expect(() => FaultInjector.parse('')).not.toThrow();
  });
});
