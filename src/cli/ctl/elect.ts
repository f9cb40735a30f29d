// elect: campaigns in a named election with a proposal and holds the leadership until SIGINT or SIGTERM
// (then resigns), or with -l prints every leader as it changes (etcdctl's `elect <election-name> [proposal]`).

import type { Command } from 'commander';
import { Election, interruption, Session, untilCancelled } from './concurrency.js';
import { ExitCode, fail } from './errors.js';
import { boolOption, subcommand, type Ctl } from './program.js';

/** The Go client's default session TTL, which elect keeps. */
const SESSION_TTL = 60;

export function registerElect(program: Command, ctl: Ctl): void {
  subcommand(program, 'elect', 'Observes and participates in leader election')
    .addOption(boolOption('-l, --listen', 'observation mode'))
    .action(async (args: string[], o: { listen: boolean }) => {
      if (args.length !== 1 && args.length !== 2) fail(ExitCode.BadArgs, 'elect takes one election name argument and an optional proposal argument');
      const client = ctl.client();
      if (args.length === 1 && !o.listen) fail(ExitCode.BadArgs, 'no proposal argument but -l not set');
      if (args.length === 2 && o.listen) fail(ExitCode.BadArgs, 'proposal given but -l is set');
      const display = ctl.display();
      // Observers open a session too, as etcdctl does, though nothing is put under its lease.
      const session = await Session.open(client, SESSION_TTL);
      const { signal, interrupted } = interruption();
      const election = new Election(client, Buffer.from(args[0]!, 'utf8'));

      if (args.length === 1) {
        await election.observe(signal, (r) => display.get(r));
        return;
      }

      const key = await election.campaign(session, Buffer.from(args[1]!, 'utf8'), signal);
      const elected = await client.call('KV', 'Range', { key }, untilCancelled(signal));
      display.get(elected);
      const ended = await Promise.race([interrupted.then(() => 'interrupted'), session.done.then(() => 'expired')]);
      if (ended === 'expired') throw new Error('elect: session expired');
      await election.resign();
    });
}
