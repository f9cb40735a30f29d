// Flags as the Kubernetes components (kube-scheduler, kube-controller-manager) parse them with pflag:
// Go's booleans and durations, pflag's wording for a bad value or an unknown flag, and --help.

import { CommanderError, type Command } from 'commander';
import { parseGoDuration } from '../shared/go-time.js';

/** Parses `args` with `command` (set up with exitOverride), exiting after --help. */
export function parseComponentArgs(command: Command, args: readonly string[]): void {
  try {
    command.parse([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.code === 'commander.unknownOption') throw new Error(`unknown flag: ${/'([^']+)'/.exec(err.message)?.[1] ?? err.message}`);
    // Commander has printed the help already.
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')) process.exit(0);
    throw new Error(err instanceof Error ? err.message.replace(/^error: /, '') : String(err));
  }
}

export function parseGoBool(name: string, value: string | boolean): boolean {
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** A Go time.Duration flag ("15s", "1m30s", "500ms") in milliseconds. */
export function parseDurationFlag(name: string, value: string): number {
  try {
    return parseGoDuration(value);
  } catch (error) {
    throw new Error(`invalid argument "${value}" for "--${name}" flag: ${(error as Error).message}`);
  }
}
