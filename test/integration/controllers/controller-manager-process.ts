// `barge controller-manager` as a real process for tests, pointed at an apiserver's admin kubeconfig.

import { spawn, type ChildProcess } from 'node:child_process';
import { BARGE_BIN, exitCodeWithin } from '../../support/process-cluster.js';

export class ControllerManagerProcess {
  log = '';
  private readonly child: ChildProcess;

  constructor(kubeconfig: string, extra: readonly string[] = []) {
    this.child = spawn(process.execPath, [BARGE_BIN, 'controller-manager', '--kubeconfig', kubeconfig, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
  }

  /** As a crash: no lease release, so a standby must wait the lease out. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exitCodeWithin(this.child, 10_000);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await exitCodeWithin(this.child, 10_000);
  }
}
