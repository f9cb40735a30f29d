// member list, add, remove, update and promote. `member add` in simple output also prints the
// environment a new member starts with, from a member list taken where the add was served.

import type { Command } from 'commander';
import type * as pb from '../../wire/messages.js';
import { ExitCode, fail } from './errors.js';
import { goQuote } from '../../shared/go-strings.js';
import { int64Text, parseGoInt } from './gofmt.js';
import { out } from './printers.js';
import { SimpleDisplay } from './printers-simple.js';
import { boolOption, stringOption, subcommand, type Ctl } from './program.js';

function memberIdArg(args: readonly string[]): bigint {
  if (args.length !== 1) fail(ExitCode.BadArgs, 'member ID is not provided');
  try {
    return parseGoInt(args[0]!, 16, 64, true);
  } catch (err) {
    fail(ExitCode.BadArgs, `bad member ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

async function printNewMemberEnv(ctl: Ctl, added: pb.MemberAddResponse, name: string, peerUrls: string): Promise<void> {
  const client = ctl.client();
  const deadline = ctl.deadline();
  let list = await client.call('Cluster', 'MemberList', {}, { deadline }).catch((err) => fail(ExitCode.Error, String(err)));
  let servedBy = int64Text(added.header?.member_id);
  // A list from another member may predate the add: a quorum read brings it up to date.
  while (int64Text(list.header?.member_id) !== servedBy) {
    const read = await client.call('KV', 'Range', { key: Buffer.from('_') }, { deadline }).catch((err) => fail(ExitCode.Error, String(err)));
    servedBy = int64Text(read.header?.member_id);
    list = await client.call('Cluster', 'MemberList', {}, { deadline }).catch((err) => fail(ExitCode.Error, String(err)));
  }
  const newId = int64Text(added.member?.ID);
  const conf: string[] = [];
  for (const m of list.members) {
    for (const url of m.peerURLs) conf.push(`${int64Text(m.ID) === newId ? name : m.name}=${url}`);
  }
  out(`\nETCD_NAME=${goQuote(name)}\nETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\nETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerUrls)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`);
}

export function registerMember(program: Command, ctl: Ctl): void {
  const member = program.command('member').description('Membership related commands');

  subcommand(member, 'add', 'Adds a member into the cluster')
    .addOption(stringOption('--peer-urls <urls>', 'comma separated peer URLs for the new member.'))
    .addOption(boolOption('--learner', 'indicates if the new member is raft learner'))
    .action(async (args: string[], o: { peerUrls: string; learner: boolean }) => {
      if (args.length < 1) fail(ExitCode.BadArgs, 'member name not provided');
      if (args.length > 1) {
        const hints = args.filter((a) => a.toLowerCase().startsWith('http')).map((a) => `, did you mean --peer-urls=${a}`);
        fail(ExitCode.BadArgs, `too many arguments${hints.join('')}`);
      }
      if (o.peerUrls.length === 0) fail(ExitCode.BadArgs, 'member peer urls not provided');
      const response = await ctl.client().call('Cluster', 'MemberAdd', { peerURLs: o.peerUrls.split(','), isLearner: o.learner });
      const display = ctl.display();
      display.memberAdd(response);
      if (display instanceof SimpleDisplay) await printNewMemberEnv(ctl, response, args[0]!, o.peerUrls);
    });

  subcommand(member, 'remove', 'Removes a member from the cluster').action(async (args: string[]) => {
    const id = memberIdArg(args);
    const response = await ctl.client().call('Cluster', 'MemberRemove', { ID: id.toString() });
    ctl.display().memberRemove(id, response);
  });

  subcommand(member, 'update', 'Updates a member in the cluster')
    .addOption(stringOption('--peer-urls <urls>', 'comma separated peer URLs for the updated member.'))
    .action(async (args: string[], o: { peerUrls: string }) => {
      const id = memberIdArg(args);
      if (o.peerUrls.length === 0) fail(ExitCode.BadArgs, 'member peer urls not provided');
      const response = await ctl.client().call('Cluster', 'MemberUpdate', { ID: id.toString(), peerURLs: o.peerUrls.split(',') });
      ctl.display().memberUpdate(id, response);
    });

  subcommand(member, 'list', 'Lists all members in the cluster').action(async () => {
    const response = await ctl.client().call('Cluster', 'MemberList', {});
    ctl.display().memberList(response);
  });

  subcommand(member, 'promote', 'Promotes a non-voting member in the cluster').action(async (args: string[]) => {
    const id = memberIdArg(args);
    const response = await ctl.client().call('Cluster', 'MemberPromote', { ID: id.toString() });
    ctl.display().memberPromote(id, response);
  });
}
