// Who holds a WAL directory. etcd flocks its segment files; Node has no flock, so the holder writes its pid
// and process start time into a lock file, created exclusively. A lock file whose process is gone (killed,
// crashed) is stale and taken over, so a restart after SIGKILL never needs a hand; the start time tells a
// live holder from an unrelated process that reused its pid.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataDirInUseError } from '../errors.js';

const LOCK_FILE = 'wal.lock';

/** Directories locked by this process, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * The process's start time in clock ticks since boot (Linux): undefined when it is gone (or a zombie,
 * killed and not yet reaped), '' where /proc does not say.
 */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : (fields[19] ?? '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return '';
  }
}

function isAlive(owner: string): boolean {
  const [pidText, startTime] = owner.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const current = startTimeOf(pid);
  if (current === undefined) return false;
  if (current !== '' && startTime !== undefined && startTime !== '' && current !== startTime) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class WalLock {
  private constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  /** Takes the directory's lock, or throws DataDirInUseError (naming `dataDir`) if a live process holds it. */
  static acquire(dir: string, dataDir: string): WalLock {
    const key = path.resolve(dir);
    const file = path.join(key, LOCK_FILE);
    if (heldHere.has(key)) throw new DataDirInUseError(dataDir);
    const me = `${process.pid} ${startTimeOf(process.pid) ?? ''}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
        heldHere.add(key);
        return new WalLock(key, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let owner = '';
      try {
        owner = fs.readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      // An empty file is a holder that died between creating and writing it.
      if (owner !== '' && isAlive(owner)) throw new DataDirInUseError(dataDir);
      fs.rmSync(file, { force: true });
    }
    throw new DataDirInUseError(dataDir);
  }

  release(): void {
    if (!heldHere.delete(this.dir)) return;
    fs.rmSync(this.file, { force: true });
  }
}
