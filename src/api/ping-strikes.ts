// etcd's --grpc-keepalive-min-time: grpc-go's keepalive enforcement policy (MinTime, PermitWithoutStream
// false, as etcd sets it), which grpc-js's server does not have. A connection counts "ping strikes" as
// grpc-go's server transport does: a client's PING strikes when it comes less than the min time after the
// previous one while a call is open, or less than two hours after it when none is; a PING that follows
// headers or data from the server clears the strikes instead (a client's BDP pings follow what it
// receives). The third strike is one too many: the connection ends with GOAWAY ENHANCE_YOUR_CALM
// "too_many_pings", which gRPC clients answer by pinging half as often. The client port's front end keeps
// one PingStrikes a plain connection (see http2-split-connection.ts).

/** The GOAWAY debug data gRPC clients recognize. */
export const TOO_MANY_PINGS = Buffer.from('too_many_pings');
/** Strikes a connection may have; the next one ends it (grpc-go's maxPingStrikes). */
const MAX_PING_STRIKES = 2;
/** How often a client may ping with no call open (grpc-go's defaultPingTimeout). */
const IDLE_PING_INTERVAL_MS = 2 * 60 * 60 * 1000;
/** grpc-go's MinTime when etcd sets no policy (--grpc-keepalive-min-time=0): its default, 5 minutes. */
const UNSET_MIN_TIME_MS = 5 * 60 * 1000;

/** One connection's ping accounting. */
export class PingStrikes {
  private readonly minTimeMs: number;
  private lastPingAt: number | undefined;
  private strikes = 0;
  private sentSinceLastPing = false;

  constructor(minTimeMs: number) {
    this.minTimeMs = minTimeMs > 0 ? minTimeMs : UNSET_MIN_TIME_MS;
  }

  /** The server sent headers or data. */
  sent(): void {
    this.sentSinceLastPing = true;
  }

  /** A PING arrived at `now` (ms) with `openCalls` calls open: whether it is one too many. */
  ping(now: number, openCalls: number): boolean {
    const last = this.lastPingAt;
    this.lastPingAt = now;
    if (this.sentSinceLastPing) {
      this.sentSinceLastPing = false;
      this.strikes = 0;
      return false;
    }
    const allowedMs = openCalls > 0 ? this.minTimeMs : IDLE_PING_INTERVAL_MS;
    if (last !== undefined && now - last < allowedMs) this.strikes++;
    return this.strikes > MAX_PING_STRIKES;
  }
}
