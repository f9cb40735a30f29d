import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bargeEnvironment, MALLOC_TUNABLES, MEMBER_NODE_OPTIONS, runsMember } from '../../../src/cli/process-environment.js';

const BARGE = resolve(import.meta.dirname, '../../../bin/barge.js');

describe('the environment barge runs its processes in', () => {
  it('tells a member (etcd’s flags, or none) from a subcommand', () => {
    expect(runsMember([])).toBe(true);
    expect(runsMember(['--name', 'a'])).toBe(true);
    expect(runsMember(['-version'])).toBe(true);
    expect(runsMember(['apiserver', '--etcd-servers', 'x'])).toBe(false);
    expect(runsMember(['cluster'])).toBe(false);
  });

  it('gives every process the malloc tunables, and a member its Node options', () => {
    const member = bargeEnvironment(['--name', 'a'], { PATH: '/bin' });
    expect(member).toEqual({ PATH: '/bin', GLIBC_TUNABLES: MALLOC_TUNABLES, NODE_OPTIONS: MEMBER_NODE_OPTIONS });
    expect(bargeEnvironment(['scheduler'], { PATH: '/bin' })).toEqual({ PATH: '/bin', GLIBC_TUNABLES: MALLOC_TUNABLES });
  });

  it('puts the user’s own settings after ours, so that theirs win', () => {
    const env = bargeEnvironment([], { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0', NODE_OPTIONS: '--max-semi-space-size=32' });
    expect(env['GLIBC_TUNABLES']).toBe(`${MALLOC_TUNABLES}:glibc.malloc.trim_threshold=0`);
    expect(env['NODE_OPTIONS']).toBe(`${MEMBER_NODE_OPTIONS} --max-semi-space-size=32`);
  });

  it('does not repeat ours for a process started by one that has them (barge up run as a command)', () => {
    expect(bargeEnvironment(['--name', 'a'], bargeEnvironment(['--name', 'a'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }))).toEqual(bargeEnvironment(['--name', 'a'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }));
    expect(bargeEnvironment(['apiserver'], { GLIBC_TUNABLES: MALLOC_TUNABLES })['GLIBC_TUNABLES']).toBe(MALLOC_TUNABLES);
  });

  describe('run as a command, bin/barge.js sets the same before Node starts', () => {
    // A `node` first on PATH that prints what it was given: what sh hands to the real one.
    const dir = mkdtempSync(join(tmpdir(), 'barge-environment-'));
    writeFileSync(join(dir, 'node'), '#!/bin/sh\necho "$GLIBC_TUNABLES"\necho "${NODE_OPTIONS-unset}"\necho "$@"\n');
    chmodSync(join(dir, 'node'), 0o755);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const { GLIBC_TUNABLES: _g, NODE_OPTIONS: _n, ...clean } = process.env;
    const run = (args: string[], env: NodeJS.ProcessEnv = {}): string[] => {
      const result = spawnSync(BARGE, args, { env: { ...clean, ...env, PATH: `${dir}:${process.env['PATH']}` }, encoding: 'utf8' });
      expect(result.status).toBe(0);
      return result.stdout.trim().split('\n');
    };
    const expected = (args: string[], env: NodeJS.ProcessEnv = {}): string[] => {
      const wanted = bargeEnvironment(args, env);
      return [wanted['GLIBC_TUNABLES']!, wanted['NODE_OPTIONS'] ?? 'unset', [BARGE, ...args].join(' ')];
    };

    it('for a member, with no settings of the user’s', () => {
      expect(run(['--name', 'm 1'])).toEqual(expected(['--name', 'm 1']));
      expect(run([])).toEqual(expected([]));
    });

    it('for a subcommand', () => {
      expect(run(['kubelet', '--hostname-override', 'n1'])).toEqual(expected(['kubelet', '--hostname-override', 'n1']));
    });

    it('with the user’s after ours', () => {
      const env = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2', NODE_OPTIONS: '--max-semi-space-size=32' };
      expect(run(['--name', 'a'], env)).toEqual(expected(['--name', 'a'], env));
    });
  });
});
