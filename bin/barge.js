#!/usr/bin/env node
// `barge cluster …` starts a local cluster; anything else runs one member with etcd's flags (see
// launch.js for which form of the code runs).
import { launch } from './launch.js';

await launch(process.argv[2] === 'cluster' ? 'local-cluster' : 'barge');
