// `version`: the etcdctl and API versions bargectl is compatible with.

import type { Command } from 'commander';
import { out } from './printers.js';

/** The etcdctl release whose behaviour bargectl reproduces. */
export const CTL_VERSION = '3.4.23';
export const API_VERSION = '3.4';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('Prints the version of etcdctl')
    .allowExcessArguments()
    .action(() => {
      out(`etcdctl version: ${CTL_VERSION}\nAPI version: ${API_VERSION}\n`);
    });
}
