// Ids for proposals, unique across members and restarts without a random draw per request: the low
// 16 bits of the member id on top, then a counter that starts at the current time in milliseconds
// (shifted left 8) and counts up, as etcd's own generator does.

const LOW_48 = (1n << 48n) - 1n;

export class RequestIdGenerator {
  private readonly prefix: bigint;
  private suffix: bigint;

  constructor(memberId: bigint, nowMs: number = Date.now()) {
    this.prefix = (memberId & 0xffffn) << 48n;
    this.suffix = (BigInt(Math.floor(nowMs)) & ((1n << 40n) - 1n)) << 8n;
  }

  next(): bigint {
    this.suffix = (this.suffix + 1n) & LOW_48;
    return this.prefix | this.suffix;
  }
}
