// auth enable|disable, user … and role …: etcdctl 3.4's argument rules, password prompts and output.
// etcdctl 3.4 has no `auth status`.

import { Option, type Command } from 'commander';
import { prefixEnd } from '../../mvcc/keys.js';
import type { MethodName, RequestOf, ResponseOf } from '../../client/etcd/channel.js';
import { ExitCode, fail, RpcError } from './errors.js';
import { readPasswordInteractive, scanWord } from './password-input.js';
import { out } from './printers.js';
import { boolOption, stringOption, subcommand, type Ctl } from './program.js';

// ---- permissions ----------------------------------------------------------------------------------

const PERMISSION_TYPES: Record<string, number> = { READ: 0, WRITE: 1, READWRITE: 2 };

interface PermOptions {
  prefix: boolean;
  fromKey: boolean;
}

const EXCLUSIVE = '--from-key and --prefix flags are mutually exclusive';

/** etcdctl's permRange: the key and range end a permission covers, from [key, endkey?] and the flags. */
function permRange(args: readonly string[], o: PermOptions): [Buffer, Buffer] {
  const key = args[0]!;
  if (key.length === 0) {
    if (o.prefix && o.fromKey) fail(ExitCode.BadArgs, EXCLUSIVE);
    // The empty key stands for the whole key space: "\0", open ended with either flag.
    return [Buffer.from([0]), Buffer.from(o.prefix || o.fromKey ? [0] : [])];
  }
  const start = Buffer.from(key, 'utf8');
  if (args.length === 1) {
    if (o.prefix) {
      if (o.fromKey) fail(ExitCode.BadArgs, EXCLUSIVE);
      return [start, Buffer.from(prefixEnd(start))];
    }
    return [start, Buffer.from(o.fromKey ? [0] : [])];
  }
  if (o.prefix) fail(ExitCode.BadArgs, 'unexpected endkey argument with --prefix flag');
  if (o.fromKey) fail(ExitCode.BadArgs, 'unexpected endkey argument with --from-key flag');
  return [start, Buffer.from(args[1]!, 'utf8')];
}

function addPermOptions(command: Command, verb: string): Command {
  return command
    .addOption(boolOption('--prefix', `${verb} a prefix permission`))
    .addOption(boolOption('--from-key', `${verb} a permission of keys that are greater than or equal to the given key using byte compare`));
}

// ---- the commands -----------------------------------------------------------------------------------

/** A user or role management call: no deadline, as etcdctl makes them. */
function authCall<M extends MethodName<'Auth'>>(ctl: Ctl, name: M, request: RequestOf<'Auth', M>): Promise<ResponseOf<'Auth', M>> {
  return ctl.client().call('Auth', name, request, { noDeadline: true });
}

function needArgs(ok: boolean, message: string): void {
  if (!ok) fail(ExitCode.BadArgs, message);
}

function registerAuthToggle(program: Command, ctl: Ctl): void {
  const auth = program.command('auth').description('Enable or disable authentication');

  subcommand(auth, 'enable', 'Enables authentication').action(async (args: string[]) => {
    needArgs(args.length === 0, 'auth enable command does not accept any arguments');
    const deadline = ctl.deadline();
    const client = ctl.client();
    // etcdctl creates the root role and grants it to root when the server says root lacks it.
    for (;;) {
      try {
        await client.call('Auth', 'AuthEnable', {}, { deadline });
        break;
      } catch (err) {
        if (!(err instanceof RpcError) || err.details !== 'etcdserver: root user does not have root role') throw err;
        await client.call('Auth', 'RoleAdd', { name: 'root' }, { deadline });
        await client.call('Auth', 'UserGrantRole', { user: 'root', role: 'root' }, { deadline });
      }
    }
    out('Authentication Enabled\n');
  });

  subcommand(auth, 'disable', 'Disables authentication').action(async (args: string[]) => {
    needArgs(args.length === 0, 'auth disable command does not accept any arguments');
    await ctl.client().call('Auth', 'AuthDisable', {}, { deadline: ctl.deadline() });
    out('Authentication Disabled\n');
  });
}

/** A boolean flag that defaults to true (`--interactive=false` turns it off). */
function defaultTrue(command: Command, flag: string, description: string): Command {
  return command.addOption(boolOption(flag, description).default(true)).addOption(new Option(`--no-${flag.slice(2)}`).hideHelp());
}

function registerUser(program: Command, ctl: Ctl): void {
  const user = program.command('user').description('User related commands');

  defaultTrue(subcommand(user, 'add', 'Adds a new user'), '--interactive', 'Read password from stdin instead of interactive terminal')
    .addOption(stringOption('--new-user-password <password>', 'Supply password from the command line flag'))
    .addOption(new Option('--no-password', 'Create a user without password (CN based auth only)'))
    .action(async (args: string[], o: { interactive: boolean; newUserPassword: string; password: boolean }) => {
      needArgs(args.length === 1, 'user add command requires user name as its argument');
      const noPassword = o.password === false;
      let name = args[0]!;
      let password = '';
      if (!noPassword) {
        if (o.newUserPassword !== '') password = o.newUserPassword;
        else {
          const colon = name.indexOf(':');
          if (colon < 0) password = o.interactive ? readPasswordInteractive(name) : scanWord();
          else {
            password = name.slice(colon + 1);
            name = name.slice(0, colon);
            if (name.length === 0) fail(ExitCode.BadArgs, 'empty user name is not allowed');
          }
        }
      }
      const response = await authCall(ctl, 'UserAdd', { name, password, options: { no_password: noPassword } });
      ctl.display().userAdd(name, response);
    });

  subcommand(user, 'delete', 'Deletes a user').action(async (args: string[]) => {
    needArgs(args.length === 1, 'user delete command requires user name as its argument');
    ctl.display().userDelete(args[0]!, await authCall(ctl, 'UserDelete', { name: args[0] }));
  });

  subcommand(user, 'get', 'Gets detailed information of a user')
    .addOption(boolOption('--detail', 'Show permissions of roles granted to the user'))
    .action(async (args: string[], o: { detail: boolean }) => {
      needArgs(args.length === 1, 'user get command requires user name as its argument');
      const name = args[0]!;
      const response = await authCall(ctl, 'UserGet', { name });
      const display = ctl.display();
      if (!o.detail) {
        display.userGet(name, response);
        return;
      }
      out(`User: ${name}\n`);
      for (const role of response.roles) {
        out('\n');
        display.roleGet(role, await authCall(ctl, 'RoleGet', { role }));
      }
    });

  subcommand(user, 'list', 'Lists all users').action(async (args: string[]) => {
    needArgs(args.length === 0, 'user list command requires no arguments');
    ctl.display().userList(await authCall(ctl, 'UserList', {}));
  });

  defaultTrue(subcommand(user, 'passwd', 'Changes password of user'), '--interactive', 'If true, read password from stdin instead of interactive terminal').action(
    async (args: string[], o: { interactive: boolean }) => {
      needArgs(args.length === 1, 'user passwd command requires user name as its argument');
      const password = o.interactive ? readPasswordInteractive(args[0]!) : scanWord();
      ctl.display().userChangePassword(await authCall(ctl, 'UserChangePassword', { name: args[0], password }));
    },
  );

  subcommand(user, 'grant-role', 'Grants a role to a user').action(async (args: string[]) => {
    needArgs(args.length === 2, 'user grant command requires user name and role name as its argument');
    ctl.display().userGrantRole(args[0]!, args[1]!, await authCall(ctl, 'UserGrantRole', { user: args[0], role: args[1] }));
  });

  subcommand(user, 'revoke-role', 'Revokes a role from a user').action(async (args: string[]) => {
    needArgs(args.length === 2, 'user revoke-role requires user name and role name as its argument');
    ctl.display().userRevokeRole(args[0]!, args[1]!, await authCall(ctl, 'UserRevokeRole', { name: args[0], role: args[1] }));
  });
}

function registerRole(program: Command, ctl: Ctl): void {
  const role = program.command('role').description('Role related commands');

  subcommand(role, 'add', 'Adds a new role').action(async (args: string[]) => {
    needArgs(args.length === 1, 'role add command requires role name as its argument');
    ctl.display().roleAdd(args[0]!, await authCall(ctl, 'RoleAdd', { name: args[0] }));
  });

  subcommand(role, 'delete', 'Deletes a role').action(async (args: string[]) => {
    needArgs(args.length === 1, 'role delete command requires role name as its argument');
    ctl.display().roleDelete(args[0]!, await authCall(ctl, 'RoleDelete', { role: args[0] }));
  });

  subcommand(role, 'get', 'Gets detailed information of a role').action(async (args: string[]) => {
    needArgs(args.length === 1, 'role get command requires role name as its argument');
    ctl.display().roleGet(args[0]!, await authCall(ctl, 'RoleGet', { role: args[0] }));
  });

  subcommand(role, 'list', 'Lists all roles').action(async (args: string[]) => {
    needArgs(args.length === 0, 'role list command requires no arguments');
    ctl.display().roleList(await authCall(ctl, 'RoleList', {}));
  });

  addPermOptions(subcommand(role, 'grant-permission', 'Grants a key to a role'), 'grant').action(async (args: string[], o: PermOptions) => {
    needArgs(args.length >= 3, 'role grant command requires role name, permission type, and key [endkey] as its argument');
    const permType = PERMISSION_TYPES[args[1]!.toUpperCase()];
    if (permType === undefined) fail(ExitCode.BadArgs, `invalid permission type: ${args[1]}`);
    const [key, rangeEnd] = permRange(args.slice(2), o);
    const response = await authCall(ctl, 'RoleGrantPermission', { name: args[0], perm: { permType, key, range_end: rangeEnd } });
    ctl.display().roleGrantPermission(args[0]!, response);
  });

  addPermOptions(subcommand(role, 'revoke-permission', 'Revokes a key from a role'), 'revoke').action(async (args: string[], o: PermOptions) => {
    needArgs(args.length >= 2, 'role revoke-permission command requires role name and key [endkey] as its argument');
    const [key, rangeEnd] = permRange(args.slice(1), o);
    const response = await authCall(ctl, 'RoleRevokePermission', { role: args[0], key, range_end: rangeEnd });
    ctl.display().roleRevokePermission(args[0]!, Buffer.from(args[1]!, 'utf8'), rangeEnd, response);
  });
}

export function registerAuth(program: Command, ctl: Ctl): void {
  registerAuthToggle(program, ctl);
  registerUser(program, ctl);
  registerRole(program, ctl);
}
