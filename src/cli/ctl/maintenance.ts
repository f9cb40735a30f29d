// endpoint health|status|hashkv, alarm list|disarm, defrag and move-leader: the per-member calls,
// against the given endpoints or, with --cluster, every member's client URLs.

import type { Command } from 'commander';
import type * as pb from '../../wire/messages.js';
import type { EtcdClient } from './client.js';
import { ExitCode, exitWith, fail, RpcError } from './errors.js';
import { goDuration } from '../../shared/go-time.js';
import { int64Text, parseGoInt } from './gofmt.js';
import { out, type EndpointHealth, type EndpointResult } from './printers.js';
import { boolOption, intOption, subcommand, type Ctl } from './program.js';

/** The endpoints a per-member command visits: as given, or every member's client URLs. */
async function endpointsOf(ctl: Ctl, cluster: boolean): Promise<string[]> {
  const config = ctl.clientConfig();
  if (!cluster) return [...config.endpoints];
  const response = await ctl
    .client()
    .call('Cluster', 'MemberList', {})
    .catch((err: RpcError) => fail(ExitCode.Error, `failed to fetch endpoints from etcd cluster member list: ${err}`));
  return response.members.flatMap((m) => m.clientURLs);
}

/** One call per endpoint, in order; failures are reported on stderr and make the exit status 1. */
async function perEndpoint<Response>(
  ctl: Ctl,
  endpoints: readonly string[],
  what: string,
  call: (client: EtcdClient) => Promise<Response>,
): Promise<{ results: EndpointResult<Response>[]; failed: boolean; lastError?: RpcError }> {
  const results: EndpointResult<Response>[] = [];
  let failed = false;
  let lastError: RpcError | undefined;
  for (const ep of endpoints) {
    const client = ctl.client().forEndpoint(ep, true);
    try {
      results.push({ ep, resp: await call(client) });
    } catch (err) {
      failed = true;
      lastError = err as RpcError;
      process.stderr.write(`Failed to get the ${what} of endpoint ${ep} (${String(lastError)})\n`);
    } finally {
      client.close();
    }
  }
  return { results, failed, lastError };
}

async function health(ctl: Ctl, ep: string): Promise<EndpointHealth> {
  const client = ctl.client().forEndpoint(ep);
  const start = process.hrtime.bigint();
  try {
    await client.call('KV', 'Range', { key: Buffer.from('health') });
    return { ep, health: true, took: goDuration(process.hrtime.bigint() - start), error: '' };
  } catch (err) {
    const took = goDuration(process.hrtime.bigint() - start);
    // A permission error still means the request went through consensus.
    if (err instanceof RpcError && err.details === 'etcdserver: permission denied') return { ep, health: true, took, error: '' };
    return { ep, health: false, took, error: String(err) };
  } finally {
    client.close();
  }
}

export function registerMaintenance(program: Command, ctl: Ctl): void {
  const endpoint = program
    .command('endpoint')
    .description('Endpoint related commands')
    .addOption(boolOption('--cluster', 'use all endpoints from the cluster member list'));
  const cluster = () => Boolean(endpoint.opts<{ cluster: boolean }>().cluster);

  subcommand(endpoint, 'health', 'Checks the healthiness of endpoints specified in `--endpoints` flag').action(async () => {
    const endpoints = await endpointsOf(ctl, cluster());
    const display = ctl.display();
    const list: EndpointHealth[] = [];
    // Concurrent checks, listed as they finish.
    await Promise.all(endpoints.map((ep) => health(ctl, ep).then((h) => list.push(h))));
    display.endpointHealth(list);
    if (list.some((h) => h.error !== '')) fail(ExitCode.Error, 'unhealthy cluster');
  });

  subcommand(endpoint, 'status', 'Prints out the status of endpoints specified in `--endpoints` flag').action(async () => {
    const endpoints = await endpointsOf(ctl, cluster());
    const { results, failed } = await perEndpoint(ctl, endpoints, 'status', (client) => client.call('Maintenance', 'Status', {}));
    ctl.display().endpointStatus(results);
    if (failed) exitWith(ExitCode.Error);
  });

  subcommand(endpoint, 'hashkv', 'Prints the KV history hash for each endpoint in --endpoints')
    .addOption(intOption('--rev <n>', 'maximum revision to hash (default: all revisions)'))
    .action(async (_args: string[], o: { rev: number }) => {
      const endpoints = await endpointsOf(ctl, cluster());
      const { results, lastError } = await perEndpoint(ctl, endpoints, 'hash', (client) => client.call('Maintenance', 'HashKV', { revision: o.rev }));
      ctl.display().endpointHashKV(results);
      // Unlike status, hashkv ends with the last failure's error.
      if (lastError !== undefined) fail(ExitCode.Error, String(lastError));
    });

  const alarm = program.command('alarm').description('Alarm related commands');
  subcommand(alarm, 'disarm', 'Disarms all alarms').action(async (args: string[]) => {
    if (args.length !== 0) fail(ExitCode.BadArgs, 'alarm disarm command accepts no arguments');
    const client = ctl.client();
    const deadline = ctl.deadline();
    // The client disarms what a list finds, one alarm at a time, and answers with no header of its own.
    const listed = await client.call('Maintenance', 'Alarm', { action: 0 }, { deadline });
    const alarms: pb.AlarmMember[] = [];
    for (const a of listed.alarms) {
      const r = await client.call('Maintenance', 'Alarm', { action: 2, memberID: a.memberID, alarm: a.alarm }, { deadline });
      alarms.push(...r.alarms);
    }
    ctl.display().alarm({ header: null, alarms });
  });
  subcommand(alarm, 'list', 'Lists all alarms').action(async (args: string[]) => {
    if (args.length !== 0) fail(ExitCode.BadArgs, 'alarm list command accepts no arguments');
    const response = await ctl.client().call('Maintenance', 'Alarm', { action: 0 });
    ctl.display().alarm(response);
  });

  program
    .command('defrag')
    .description('Defragments the storage of the etcd members with given endpoints')
    .allowExcessArguments()
    .addOption(boolOption('--cluster', 'use all endpoints from the cluster member list'))
    .action(async (o: { cluster: boolean }) => {
      const endpoints = await endpointsOf(ctl, o.cluster);
      let failures = 0;
      for (const ep of endpoints) {
        const client = ctl.client().forEndpoint(ep, true);
        try {
          await client.call('Maintenance', 'Defragment', {});
          out(`Finished defragmenting etcd member[${ep}]\n`);
        } catch (err) {
          failures++;
          process.stderr.write(`Failed to defragment etcd member[${ep}] (${String(err as RpcError)})\n`);
        } finally {
          client.close();
        }
      }
      if (failures > 0) exitWith(ExitCode.Error);
    });

  subcommand(program, 'move-leader', 'Transfers leadership to another etcd cluster member.').action(async (args: string[]) => {
    if (args.length !== 1) fail(ExitCode.BadArgs, 'move-leader command needs 1 argument');
    let target: bigint;
    try {
      target = parseGoInt(args[0]!, 16, 64, true);
    } catch (err) {
      fail(ExitCode.BadArgs, (err as Error).message);
    }
    const endpoints = ctl.clientConfig().endpoints;
    const deadline = ctl.deadline();
    let leader: { ep: string; id: bigint } | undefined;
    for (const ep of endpoints) {
      const direct = ctl.client().forEndpoint(ep, true);
      const status = await direct.call('Maintenance', 'Status', {}, { deadline }).finally(() => direct.close());
      if (status.header && int64Text(status.header.member_id) === int64Text(status.leader)) {
        leader = { ep, id: BigInt(int64Text(status.leader)) };
        break;
      }
    }
    if (!leader) fail(ExitCode.BadArgs, `no leader endpoint given at [${endpoints.join(' ')}]`);
    const client = ctl.client().forEndpoint(leader.ep);
    try {
      const response = await client.call('Maintenance', 'MoveLeader', { targetID: target.toString() }, { deadline });
      ctl.display().moveLeader(leader.id, target, response);
    } finally {
      client.close();
    }
  });
}
