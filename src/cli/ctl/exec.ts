// Running a command as etcdctl's Go runtime runs one (exec.Command + Run), with Go's error texts: for
// `lock <name> cmd …` and `watch … -- cmd …`.

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { goQuote } from '../../shared/go-strings.js';

// What Go's os.Signal String() says for the signals a command usually dies of.
const SIGNALS: Record<string, string> = {
  SIGHUP: 'hangup', SIGINT: 'interrupt', SIGQUIT: 'quit', SIGILL: 'illegal instruction', SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted', SIGBUS: 'bus error', SIGFPE: 'floating point exception', SIGKILL: 'killed', SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault', SIGUSR2: 'user defined signal 2', SIGPIPE: 'broken pipe', SIGALRM: 'alarm clock', SIGTERM: 'terminated',
};

/** strerror's words for what execve fails with. */
const EXEC_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  ENOTDIR: 'not a directory',
  E2BIG: 'argument list too long',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/** Go's exec.LookPath for a bare name: the first executable file of that name on $PATH. */
function lookPath(file: string): string {
  const executable = (path: string): boolean => {
    try {
      if (statSync(path).isDirectory()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir === '' ? '.' : dir, file);
    if (!executable(path)) continue;
    if (!isAbsolute(path)) throw new Error(`exec: ${goQuote(file)}: cannot run executable found relative to current directory`);
    return path;
  }
  throw new Error(`exec: ${goQuote(file)}: executable file not found in $PATH`);
}

/**
 * Runs `argv` with `env` as its whole environment, stdout and stderr shared. Resolves with Go's error
 * text (lookup, exec, exit status or signal), or undefined when the command exits 0.
 */
export function runCommand(argv: readonly string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'inherit'): Promise<string | undefined> {
  const name = argv[0]!;
  // A name with a slash is run as it is; a bare name is looked up on $PATH ("/", its own base name, too).
  let path = name;
  try {
    if (path === '/') throw new Error('exec: "/": permission denied');
    if (!path.includes('/')) path = lookPath(path);
  } catch (err) {
    return Promise.resolve((err as Error).message);
  }
  return new Promise((resolve) => {
    const child = spawn(path, argv.slice(1), { argv0: name, env, stdio: [stdin, 'inherit', 'inherit'] });
    child.on('error', (err: NodeJS.ErrnoException) => resolve(`fork/exec ${path}: ${EXEC_ERRORS[err.code ?? ''] ?? err.message}`));
    child.on('exit', (code, signal) => {
      if (signal) resolve(`signal: ${SIGNALS[signal] ?? signal}`);
      else resolve(code === 0 ? undefined : `exit status ${code}`);
    });
  });
}
