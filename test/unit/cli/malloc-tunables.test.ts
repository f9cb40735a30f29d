import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, withMallocTunables } from '../../../src/cli/malloc-tunables.js';

const BARGE = resolve(import.meta.dirname, '../../../bin/barge.js');

describe('glibc malloc tunables for the processes barge runs', () => {
  it('adds them to an environment without any', () => {
    const env = withMallocTunables({ PATH: '/bin' });
    expect(env['GLIBC_TUNABLES']).toBe(MALLOC_TUNABLES);
    expect(env['PATH']).toBe('/bin');
  });

  it('puts the user’s own after them, so that theirs win', () => {
    expect(withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' })['GLIBC_TUNABLES']).toBe(`${MALLOC_TUNABLES}:glibc.malloc.trim_threshold=0`);
  });

  describe('run as a command, bin/barge.js sets the same before Node starts', () => {
    // A `node` first on PATH that prints what it was given: what sh hands to the real one.
    const dir = mkdtempSync(join(tmpdir(), 'barge-tunables-'));
    writeFileSync(join(dir, 'node'), '#!/bin/sh\necho "$GLIBC_TUNABLES"\necho "$@"\n');
    chmodSync(join(dir, 'node'), 0o755);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = (env: NodeJS.ProcessEnv): string[] => {
      const result = spawnSync(BARGE, ['--name', 'm 1'], { env: { ...env, PATH: `${dir}:${process.env['PATH']}` }, encoding: 'utf8' });
      expect(result.status).toBe(0);
      return result.stdout.trim().split('\n');
    };

    it('with no tunables of the user’s', () => {
      const { GLIBC_TUNABLES: _, ...env } = process.env;
      expect(run(env)).toEqual([MALLOC_TUNABLES, `${BARGE} --name m 1`]);
    });

    it('with the user’s after them', () => {
      expect(run({ ...process.env, GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })[0]).toBe(withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })['GLIBC_TUNABLES']);
    });
  });
});
