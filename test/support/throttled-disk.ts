// A slow disk, for real: a blkio cgroup (cgroup v1) whose write IOPS on one disk are throttled. Processes
// moved into it wait for the throttle on every write that reaches the disk, fdatasync included; the kernel
// hands out the IOPS in 100 ms slices, so a sync either goes through or stalls until the next slice. Needs
// root.

import * as fs from 'node:fs';
import { join } from 'node:path';

const BLKIO = '/sys/fs/cgroup/blkio';

/** Whether this machine has cgroup v1's blkio controller to throttle with. */
export const canThrottleDisks = (): boolean => fs.existsSync(join(BLKIO, 'cgroup.procs'));

/** The whole disk (major:minor) a path lives on: throttles apply to disks, not partitions. */
function diskOf(path: string): string {
  // dev_t as glibc's gnu_dev_major and gnu_dev_minor take it apart.
  const dev = fs.statSync(path, { bigint: true }).dev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n);
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xffffff00n);
  const sysfs = `/sys/dev/block/${major}:${minor}`;
  return fs.existsSync(join(sysfs, 'partition')) ? fs.readFileSync(join(sysfs, '..', 'dev'), 'utf8').trim() : `${major}:${minor}`;
}

export class ThrottledDisk {
  private readonly dir: string;
  private readonly disk: string;

  /** A cgroup throttling writes to the disk that holds `path` to `writeIops` a second. */
  constructor(path: string, writeIops: number) {
    this.dir = join(BLKIO, `barge-throttled-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    this.disk = diskOf(path);
    fs.mkdirSync(this.dir);
    this.setWriteIops(writeIops);
  }

  setWriteIops(writeIops: number): void {
    fs.writeFileSync(join(this.dir, 'blkio.throttle.write_iops_device'), `${this.disk} ${writeIops}`);
  }

  /** Moves a process (all its threads) into the cgroup. */
  add(pid: number): void {
    fs.writeFileSync(join(this.dir, 'cgroup.procs'), String(pid));
  }

  /** Removes the cgroup; its processes must have exited. */
  remove(): void {
    if (fs.existsSync(this.dir)) fs.rmdirSync(this.dir);
  }
}
