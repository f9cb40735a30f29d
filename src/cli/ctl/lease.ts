// lease grant, revoke, timetolive, list and keep-alive, as etcdctl runs them (keep-alive renews every
// third of the TTL, as the Go client does, until the lease is gone).

import type { Command } from 'commander';
import type * as pb from '../../wire/messages.js';
import type { EtcdClient } from './client.js';
import { CtlError, ExitCode, fail, RpcError } from './errors.js';
import { leaseHex, parseGoInt } from './gofmt.js';
import { out } from './printers.js';
import { SimpleDisplay } from './printers-simple.js';
import { boolOption, subcommand, type Ctl } from './program.js';

/** A lease id argument (hexadecimal). */
export function leaseFromArg(arg: string): bigint {
  try {
    return parseGoInt(arg, 16, 64);
  } catch (err) {
    fail(ExitCode.BadArgs, `bad lease ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

/**
 * Keeps a lease alive over one LeaseKeepAlive stream: a request now and every TTL/3 seconds after each
 * answer. `onResponse` sees each answer; the promise ends when the lease is gone (TTL 0) or the stream ends.
 */
export async function keepAlive(client: EtcdClient, id: bigint, onResponse: (r: pb.LeaseKeepAliveResponse) => boolean | void): Promise<'expired' | 'ended'> {
  const stream = await client.bidi('Lease', 'LeaseKeepAlive');
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: 'expired' | 'ended') => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.on('error', () => {});
      stream.cancel();
      resolve(outcome);
    };
    stream.on('data', (r: pb.LeaseKeepAliveResponse) => {
      if (Number(r.TTL) <= 0) {
        finish('expired');
        return;
      }
      let more: boolean | void;
      try {
        more = onResponse(r);
      } catch (err) {
        clearTimeout(timer);
        stream.removeAllListeners('data');
        stream.on('error', () => {});
        stream.cancel();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (more === false) {
        finish('ended');
        return;
      }
      timer = setTimeout(() => stream.write({ ID: id.toString() }), Math.max(500, Math.floor(Number(r.TTL) / 3) * 1000));
    });
    stream.on('error', (err) => {
      clearTimeout(timer);
      reject(RpcError.from(err, false));
    });
    stream.on('end', () => finish('ended'));
    stream.write({ ID: id.toString() });
  });
}

export function registerLease(program: Command, ctl: Ctl): void {
  const lease = program.command('lease').description('Lease related commands');

  subcommand(lease, 'grant', 'Creates leases').action(async (args: string[]) => {
    if (args.length !== 1) fail(ExitCode.BadArgs, 'lease grant command needs TTL argument');
    let ttl: bigint;
    try {
      ttl = parseGoInt(args[0]!, 10, 64);
    } catch (err) {
      fail(ExitCode.BadArgs, `bad TTL (${(err as Error).message})`);
    }
    const response = await ctl.client().call('Lease', 'LeaseGrant', { TTL: ttl.toString() }).catch((err: RpcError) => fail(ExitCode.Error, `failed to grant lease (${err})`));
    ctl.display().grant(response);
  });

  subcommand(lease, 'revoke', 'Revokes leases').action(async (args: string[]) => {
    if (args.length !== 1) fail(ExitCode.BadArgs, 'lease revoke command needs 1 argument');
    const id = leaseFromArg(args[0]!);
    const response = await ctl.client().call('Lease', 'LeaseRevoke', { ID: id.toString() }).catch((err: RpcError) => fail(ExitCode.Error, `failed to revoke lease (${err})`));
    ctl.display().revoke(id, response);
  });

  subcommand(lease, 'timetolive', 'Get lease information')
    .addOption(boolOption('--keys', 'Get keys attached to this lease'))
    .action(async (args: string[], o: { keys: boolean }) => {
      if (args.length !== 1) fail(ExitCode.BadArgs, 'lease timetolive command needs lease ID as argument');
      const id = leaseFromArg(args[0]!);
      const response = await ctl
        .client()
        .call('Lease', 'LeaseTimeToLive', { ID: id.toString(), keys: o.keys }, { noDeadline: true })
        .catch((err: RpcError) => fail(ExitCode.BadConnection, String(err)));
      ctl.display().timeToLive(response, o.keys);
    });

  subcommand(lease, 'list', 'List all active leases').action(async () => {
    const response = await ctl
      .client()
      .call('Lease', 'LeaseLeases', {}, { noDeadline: true })
      .catch((err: RpcError) => fail(ExitCode.BadConnection, String(err)));
    ctl.display().leases(response);
  });

  subcommand(lease, 'keep-alive', 'Keeps leases alive (renew)')
    .addOption(boolOption('--once', 'Resets the keep-alive time to its original value and exits immediately'))
    .action(async (args: string[], o: { once: boolean }) => {
      if (args.length !== 1) fail(ExitCode.BadArgs, 'lease keep-alive command needs lease ID as argument');
      const id = leaseFromArg(args[0]!);
      const client = ctl.client();
      const display = ctl.display();
      const outcome = await keepAlive(client, id, (r) => {
        display.keepAlive(r);
        return !o.once;
      }).catch((err: unknown) => {
        if (err instanceof CtlError) throw err;
        fail(ExitCode.BadConnection, String(err));
      });
      if (o.once) {
        if (outcome === 'expired') fail(ExitCode.BadConnection, 'etcdserver: requested lease not found');
        return;
      }
      if (display instanceof SimpleDisplay) out(`lease ${leaseHex(id)} expired or revoked.\n`);
    });
}
