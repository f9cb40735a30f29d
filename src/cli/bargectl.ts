// `bargectl`: an etcdctl-compatible client for Barge (and etcd). Its output, errors and exit codes follow
// etcdctl 3.4's; the commands live in ./ctl/, one file per group.

import { registerAuth } from './ctl/auth.js';
import { registerElect } from './ctl/elect.js';
import { registerKv } from './ctl/kv.js';
import { registerLease } from './ctl/lease.js';
import { registerLock } from './ctl/lock.js';
import { registerMaintenance } from './ctl/maintenance.js';
import { registerMember } from './ctl/member.js';
import { createProgram, Ctl, run } from './ctl/program.js';
import { registerSnapshot } from './ctl/snapshot.js';
import { registerTxn } from './ctl/txn.js';
import { registerVersion } from './ctl/version.js';
import { routeProcessWarnings } from './warnings.js';

// Node's warnings in its own words, minus grpc-js's SNI-to-an-IP deprecation, which etcdctl users never see.
routeProcessWarnings((warning) => process.stderr.write(`(node:${process.pid}) ${warning.code ? `[${warning.code}] ` : ''}${warning.name}: ${warning.message}\n`));
import { registerWatch } from './ctl/watch.js';

const program = createProgram();
const ctl = new Ctl(program);
registerKv(program, ctl);
registerTxn(program, ctl);
registerLease(program, ctl);
registerMember(program, ctl);
registerMaintenance(program, ctl);
registerWatch(program, ctl);
registerSnapshot(program, ctl);
registerLock(program, ctl);
registerElect(program, ctl);
registerAuth(program, ctl);
registerVersion(program);

await run(program, process.argv.slice(2), ctl);
