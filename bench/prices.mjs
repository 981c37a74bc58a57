// Cloudflare's published prices used for the cost column, with the date they were
// taken. Source: developers.cloudflare.com (Durable Objects
// pricing, Workers pricing, Workers Paid plan). Change them here only.

export const PRICES = {
  asOf: "2026-11-25",
  source: "developers.cloudflare.com/durable-objects/platform/pricing/ and /workers/platform/pricing/",
  /** SQLite-backed Durable Objects: rows written, USD per million. */
  rowsWrittenPerMillionUsd: 1.0,
  /** SQLite-backed Durable Objects: rows read, USD per million. */
  rowsReadPerMillionUsd: 0.001,
  /** Durable Object requests (each RPC call on a stub), USD per million. */
  doRequestsPerMillionUsd: 0.15,
  /** Worker (router) requests, Workers Paid Standard, USD per million. */
  workerRequestsPerMillionUsd: 0.3,
};

/**
 * Estimated USD per million events, from per-record rates. Excludes DO duration
 * (GB-s while a request or a long-poll keeps an object awake), Worker CPU time and
 * storage, which this bench does not measure.
 * @param {{ doRequestsPerRecord: number, rowsWrittenPerRecord: number, rowsReadPerRecord: number, workerRequestsPerRecord: number }} r
 */
export function usdPerMillionEvents(r) {
  return (
    r.doRequestsPerRecord * PRICES.doRequestsPerMillionUsd +
    r.rowsWrittenPerRecord * PRICES.rowsWrittenPerMillionUsd +
    r.rowsReadPerRecord * PRICES.rowsReadPerMillionUsd +
    r.workerRequestsPerRecord * PRICES.workerRequestsPerMillionUsd
  );
}
