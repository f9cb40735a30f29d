// The apiserver's Prometheus metrics under kube-apiserver's names: apiserver_request_total,
// apiserver_request_duration_seconds, apiserver_longrunning_requests (open watches: kube 1.25 replaced
// apiserver_registered_watchers with it) and etcd_request_duration_seconds.

import { Histogram, labelText } from '../../shared/prometheus-histogram.js';

const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const ETCD_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export interface RequestLabels {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly scope: string;
}

export class ApiMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Histogram(DURATION_BUCKETS);
  private readonly etcd = new Histogram(ETCD_BUCKETS);
  private readonly longRunning = new Map<string, number>();

  request(labels: RequestLabels, code: number, seconds: number): void {
    const key = labelText({ ...labels, component: 'apiserver', code: String(code) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    // Watches last as long as they are open; kube-apiserver leaves them out of the latency histogram.
    if (labels.verb !== 'WATCH') this.durations.observe({ ...labels, component: 'apiserver' }, seconds);
  }

  /** A long-running request (a watch) began; the returned function marks its end. */
  longRunningRequest(labels: RequestLabels): () => void {
    const key = labelText({ ...labels, component: 'apiserver' });
    this.longRunning.set(key, (this.longRunning.get(key) ?? 0) + 1);
    return () => void this.longRunning.set(key, this.longRunning.get(key)! - 1);
  }

  etcdRequest(operation: string, type: string, seconds: number): void {
    this.etcd.observe({ operation, type }, seconds);
  }

  render(): string {
    const lines = ['# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.', '# TYPE apiserver_request_total counter'];
    for (const [labels, n] of this.requests) lines.push(`apiserver_request_total{${labels}} ${n}`);
    lines.push('# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.', '# TYPE apiserver_request_duration_seconds histogram');
    lines.push(...this.durations.render('apiserver_request_duration_seconds'));
    lines.push('# HELP apiserver_longrunning_requests [STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.', '# TYPE apiserver_longrunning_requests gauge');
    for (const [labels, n] of this.longRunning) lines.push(`apiserver_longrunning_requests{${labels}} ${n}`);
    lines.push('# HELP etcd_request_duration_seconds Etcd request latency in seconds for each operation and object type.', '# TYPE etcd_request_duration_seconds histogram');
    lines.push(...this.etcd.render('etcd_request_duration_seconds'));
    return `${lines.join('\n')}\n`;
  }
}
