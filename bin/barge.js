#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader, so the binary needs no build step.
// `barge cluster …` starts a local cluster; anything else runs one member with etcd's flags.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'cluster') await import('../src/cli/local-cluster.ts');
else await import('../src/cli/barge.ts');
