// The common kubectl commands from every kubectl installed beside the dispatcher (1.27 to 1.33): older
// ones read aggregated discovery v2beta1 or the legacy documents, newer ones v2. kubectl 1.27 and 1.28
// validate manifests against OpenAPI v2 in protobuf, 1.29 on through OpenAPI v3.

import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { apiserverOnBarge } from './apiserver-process.js';

const KUBECTL_DIR = dirname(realpathSync(execFileSync('which', ['kubectl'], { encoding: 'utf8' }).trim()));
const VERSIONS = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'];

describe('kubectl 1.27 to 1.33', () => {
  const env = apiserverOnBarge(90_000);

  it.each(VERSIONS)('kubectl %s: version, api-resources, apply, get, label, delete', (version) => {
    const binary = join(KUBECTL_DIR, `kubectl.${version}`);
    const run = (args: string[], input?: string): string => {
      const result = env.api.kubectl(args, { binary, ...(input === undefined ? {} : { input }) });
      if (result.status !== 0) throw new Error(`kubectl.${version} ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    };
    const name = `p${version.replace('.', '-')}`;
    expect(run(['version'])).toMatch(/Server Version: (v1\.32\.0|version\.Info\{.*GitVersion:"v1\.32\.0")/);
    expect(run(['api-resources'])).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers: [{name: main, image: busybox}]\n`;
    expect(run(['apply', '-f', '-'], pod)).toBe(`pod/${name} created\n`);
    expect(run(['apply', '-f', '-'], pod)).toBe(`pod/${name} unchanged\n`);
    expect(run(['get', 'pods', name])).toMatch(new RegExp(`^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\n${name}\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\n$`));
    expect(run(['label', 'pod', name, 'v=x'])).toBe(`pod/${name} labeled\n`);
    expect(run(['get', 'pods', '-l', 'v=x', '-o', 'name'])).toBe(`pod/${name}\n`);
    expect(run(['delete', 'pod', name])).toBe(`pod "${name}" deleted\n`);
  });
});
