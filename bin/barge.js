#!/bin/sh
':' //; export GLIBC_TUNABLES="glibc.malloc.trim_threshold=131072${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"; case "$1" in ""|-*) export NODE_OPTIONS="--max-semi-space-size=8${NODE_OPTIONS:+ $NODE_OPTIONS}";; esac; exec node "$0" "$@"
// The line above is read by sh, not Node (for Node it is a string and a comment): run as a command,
// `barge` sets what src/cli/process-environment.ts explains before Node starts, and runs itself with node.
// `barge cluster …` starts a local cluster; anything else runs one member with etcd's flags, or another
// subcommand (see launch.js for which form of the code runs).
import { launch } from './launch.js';

await launch(process.argv[2] === 'cluster' ? 'local-cluster' : 'barge');
