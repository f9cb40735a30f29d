// record.EventRecorder: builds core/v1 Events about an object, runs them through the EventCorrelator and
// writes them in the background (create, or a strategic merge patch of count/lastTimestamp/message for a
// repeat; a repeat whose event is gone is created again), retrying as client-go's broadcaster does.

import { hostname } from 'node:os';
import { isAlreadyExists, isNotFound, KubeApiError } from './api-error.js';
import type { KubeClient } from './client.js';
import { realClock, sleepOn, type Clock } from './clock.js';
import { eventName, metaTime, type CoreEvent } from './core-event.js';
import { EventCorrelator } from './event-correlator.js';
import type { KubeObject } from './objects.js';
import { Resources } from './resource.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** source.component / reportingComponent, e.g. "default-scheduler", "replicaset-controller", "kubelet". */
  component: string;
  /** source.host / reportingInstance (kubelets set their node name). */
  host?: string;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

const MAX_TRIES = 12;
const RETRY_SLEEP_MS = 10_000;

export class EventRecorder {
  private readonly clock: Clock;
  private readonly correlator: EventCorrelator;
  private readonly abort = new AbortController();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.correlator = new EventCorrelator(this.clock);
  }

  /** Records an event about `object` (which needs kind and apiVersion set); returns at once. */
  event(object: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    if (this.abort.signal.aborted) return;
    const result = this.correlator.correlate(this.makeEvent(object, type, reason, message, fieldPath));
    if (result.skip) return;
    // One write at a time, in order, so a repeat's patch follows the create it patches.
    this.writes = this.writes.then(() => this.write(result.event, result.patch));
  }

  /** Resolves when every event recorded so far has been written (or given up on). */
  flush(): Promise<void> {
    return this.writes;
  }

  /** Stops recording; pending retries give up. */
  shutdown(): void {
    this.abort.abort();
  }

  private makeEvent(object: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): CoreEvent {
    const now = this.clock.now();
    const { name = '', namespace, uid, resourceVersion } = object.metadata;
    const stamp = metaTime(now);
    const host = this.options.host ?? hostname();
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(name, now), namespace: namespace || 'default' },
      involvedObject: { kind: object.kind, namespace, name, uid, apiVersion: object.apiVersion, resourceVersion, fieldPath },
      reason,
      message,
      source: { component: this.options.component, host: this.options.host },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.options.component,
      reportingInstance: host,
    };
  }

  private async write(event: CoreEvent, patch: { count: number; lastTimestamp: string; message: string } | undefined): Promise<void> {
    for (let attempt = 1; attempt <= MAX_TRIES && !this.abort.signal.aborted; attempt++) {
      try {
        this.correlator.updateState(await this.send(event, patch));
        return;
      } catch (error) {
        // An event the server refuses (invalid, already exists, forbidden) will not get better by retrying.
        if (error instanceof KubeApiError && error.code < 500 && error.code !== 429) {
          if (!isAlreadyExists(error)) this.options.onError?.(error);
          return;
        }
        this.options.onError?.(error);
        // The first retry is randomized so that components restarted together do not retry in lockstep.
        await sleepOn(this.clock, attempt === 1 ? Math.random() * RETRY_SLEEP_MS : RETRY_SLEEP_MS, this.abort.signal);
      }
    }
  }

  private async send(event: CoreEvent, patch: { count: number; lastTimestamp: string; message: string } | undefined): Promise<CoreEvent> {
    const { namespace, name } = event.metadata;
    if (patch) {
      try {
        return await this.client.patch<CoreEvent & KubeObject>(Resources.events, namespace, name, patch, 'strategic');
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const { resourceVersion: _dropped, ...metadata } = event.metadata;
    return this.client.create<CoreEvent & KubeObject>(Resources.events, { ...event, metadata });
  }
}
