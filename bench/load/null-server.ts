// A gRPC server that speaks etcd's KV API and does nothing: Put, Range and Txn answer at once with a bare
// header. Measuring the load generator against it shows the generator's own ceiling (see ceiling.ts).
// Run as a forked process (`--port N` or 0 for a free one; it sends its port to the parent) or in-process.

import * as grpc from '@grpc/grpc-js';
import { serviceDefinition } from '../../src/wire/proto.js';

const HEADER = { cluster_id: 1, member_id: 1, revision: 1, raft_term: 1 };

export async function startNullServer(port = 0): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const answer = (response: object) => (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, response);
  server.addService(serviceDefinition('etcdserverpb.KV'), {
    Put: answer({ header: HEADER }),
    Range: answer({ header: HEADER, kvs: [], count: 0 }),
    Txn: answer({ header: HEADER, succeeded: true, responses: [] }),
    DeleteRange: answer({ header: HEADER, deleted: 0 }),
    Compact: answer({ header: HEADER }),
  });
  server.addService(serviceDefinition('etcdserverpb.Maintenance'), {
    Status: answer({ header: HEADER, leader: 1, version: 'null' }),
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

// Forked: start, tell the parent the port, serve until the parent goes.
if (process.send && process.argv.includes('--serve')) {
  const { port } = await startNullServer(0);
  process.send({ port });
  process.on('disconnect', () => process.exit(0));
}
