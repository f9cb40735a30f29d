// The keyspace's public shapes, named after mvccpb's messages. Keys and values are raw bytes.

export interface KeyValue {
  readonly key: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Uint8Array;
  /** The attached lease id, 0n for none. */
  readonly lease: bigint;
}

export enum EventType {
  Put = 0,
  Delete = 1,
}

export interface MvccEvent {
  readonly type: EventType;
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

/** A key range in etcd's terms; `end` empty means the single key, `\0` means every key from `key` on. */
export interface KeyRange {
  readonly key: Uint8Array;
  readonly end?: Uint8Array;
}
