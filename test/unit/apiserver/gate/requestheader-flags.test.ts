// The --requestheader-* flags as `barge apiserver` parses them, and as `barge up` passes them with the
// front-proxy CA of the kubeadm tree it writes (kubeadm's values).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiserverArgs } from '../../../../src/cli/apiserver-command.js';
import { gateFlags } from '../../../../src/cli/up-command.js';
import { ensurePki } from '../../../../src/pki/index.js';

describe('requestheader flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'requestheader-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('barge up passes kubeadm\'s front-proxy settings, parsed into the gate\'s options', async () => {
    const pki = await ensurePki({ dir, etcdMembers: ['barge-1'] });
    const options = parseApiserverArgs(['--etcd-servers=http://127.0.0.1:2379', ...gateFlags(pki)]);
    expect(options.gate?.requestHeader).toEqual({
      clientCaFile: pki.frontProxyCa.certFile,
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
      extraHeadersPrefixes: ['X-Remote-Extra-'],
    });
  });

  it('leaves front-proxy authentication off without the CA file, and lists every header given', () => {
    expect(parseApiserverArgs(['--etcd-servers=http://127.0.0.1:2379', '--requestheader-username-headers=X-Remote-User']).gate?.requestHeader).toBeUndefined();
    const options = parseApiserverArgs(['--etcd-servers=http://127.0.0.1:2379', '--requestheader-client-ca-file=ca.crt', '--requestheader-username-headers=X-User, X-Remote-User', '--requestheader-allowed-names=']);
    expect(options.gate?.requestHeader).toEqual({ clientCaFile: 'ca.crt', allowedNames: [], usernameHeaders: ['X-User', 'X-Remote-User'], groupHeaders: [], extraHeadersPrefixes: [] });
  });
});
