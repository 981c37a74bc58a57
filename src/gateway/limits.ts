// The gateway's bounds; defaults here, overridable from the command line.

export interface GatewayLimits {
  /** A request frame above this closes the connection (Kafka's socket.request.max.bytes). */
  maxFrameBytes: number;
  maxConnections: number;
  /** Requests read from one connection before it answers the oldest (responses stay in order). */
  maxInFlightPerConnection: number;
  /** A connection with nothing in flight and no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Each call to Edgelog's HTTP API, on top of a long-poll's own wait. */
  requestTimeoutMs: number;
  /** Partitions' appends or lookups run at most this many at a time per request. */
  maxConcurrentCalls: number;
  /** Inflated size of one compressed batch. */
  maxBatchBytes: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxFrameBytes: 100 * 1024 * 1024,
  maxConnections: 1_000,
  maxInFlightPerConnection: 16,
  idleTimeoutMs: 600_000,
  requestTimeoutMs: 30_000,
  maxConcurrentCalls: 16,
  maxBatchBytes: 8 * 1024 * 1024,
};
