// A member's log as etcd 3.4 writes it: --logger zap (one JSON object a line) or capnslog (etcd 3.4's
// default text lines), to each of --log-outputs (default/stderr, stdout, or a file appended to), from
// --log-level up.

import { closeSync, openSync, writeSync } from 'node:fs';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'panic', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface MemberLogOptions {
  readonly logger: string;
  readonly outputs: readonly string[];
  readonly level: string;
  readonly name: string;
}

export interface MemberLog {
  readonly log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  close(): void;
}

/** capnslog's one-letter levels. */
const CAPNSLOG_LETTERS: Record<LogLevel, string> = { debug: 'D', info: 'I', warn: 'W', error: 'E', panic: 'C', fatal: 'C' };

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** capnslog's timestamp: local time, microseconds ("2006-01-02 15:04:05.000000"). */
function capnslogTime(now: Date): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}000`;
}

/** Checks the flags as etcd does; throws its error for a bad one. */
export function openMemberLog(options: MemberLogOptions): MemberLog {
  if (options.logger !== 'zap' && options.logger !== 'capnslog') throw new Error(`unknown logger option "${options.logger}"`);
  if (!(LOG_LEVELS as readonly string[]).includes(options.level)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${options.level}"`);
  const outputs = options.outputs.length === 0 ? ['default'] : options.outputs;
  if (outputs.length > 1 && outputs.includes('default')) throw new Error(`multi logoutput for "default" is not supported yet`);
  const files: number[] = [];
  const writers = outputs.map((output): ((line: string) => void) => {
    if (output === 'default' || output === 'stderr') return (line) => process.stderr.write(line);
    if (output === 'stdout') return (line) => process.stdout.write(line);
    const fd = openSync(output, 'a');
    files.push(fd);
    return (line) => writeSync(fd, line);
  });
  const threshold = LOG_LEVELS.indexOf(options.level as LogLevel);
  const format =
    options.logger === 'zap'
      ? (level: LogLevel, msg: string, fields: Record<string, unknown>): string => `${JSON.stringify({ level, ts: new Date().toISOString(), msg, name: options.name, ...fields })}\n`
      : (level: LogLevel, msg: string, fields: Record<string, unknown>): string =>
          `${capnslogTime(new Date())} ${CAPNSLOG_LETTERS[level]} | barge: ${msg}${Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}\n`;
  return {
    log: (level, msg, fields = {}) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const line = format(level, msg, fields);
      for (const write of writers) write(line);
    },
    close: () => files.forEach((fd) => closeSync(fd)),
  };
}
