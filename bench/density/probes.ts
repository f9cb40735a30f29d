// The two figures that need their own probes: the apiserver's /metrics text, and how long a write takes to
// reach a watcher (a ConfigMap rewritten ten times a second while the pods start, watched by this client).

import { request } from 'node:https';
import { KubeClient, Resources, type KubeObject, type Kubeconfig } from '../../src/client/kube/index.js';

export async function scrapeMetrics(config: Kubeconfig): Promise<string> {
  const headers = await config.headers();
  return new Promise((resolve, reject) => {
    const req = request(`${config.server}/metrics`, { agent: config.agent, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${response.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Probe writes a second: 10, so a run's p99 is not merely its slowest write (at 2 a second it was). */
const PROBE_INTERVAL_MS = 100;

interface ProbeMap extends KubeObject {
  data?: { sequence?: string };
}

export class WatchLatencyProbe {
  readonly latenciesMs: number[] = [];
  private readonly sentAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private stopWatch?: () => void;
  private sequence = 0;

  constructor(private readonly client: KubeClient, private readonly namespace: string) {}

  async start(): Promise<void> {
    const name = 'density-watch-probe';
    const current = await this.client.create<ProbeMap>(Resources.configMaps, { metadata: { name, namespace: this.namespace }, data: { sequence: '0' } });
    const stream = await this.client.watch<ProbeMap>(Resources.configMaps, { namespace: this.namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata!.resourceVersion });
    this.stopWatch = () => stream.stop();
    void (async () => {
      for await (const event of stream) {
        const sent = this.sentAt.get(event.object.data?.sequence ?? '');
        if (sent !== undefined) this.latenciesMs.push(performance.now() - sent);
      }
    })().catch(() => undefined);
    // Unconditional writes (no resourceVersion): under load a write may still be in flight when the next
    // is due, and a conditional one would then conflict, losing the slow samples the figure is for.
    this.timer = setInterval(() => {
      const sequence = String(++this.sequence);
      this.sentAt.set(sequence, performance.now());
      this.client.update<ProbeMap>(Resources.configMaps, { metadata: { name, namespace: this.namespace }, data: { sequence } }).catch(
        () => undefined, // a timeout under load only costs one sample
      );
    }, PROBE_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopWatch?.();
  }
}
