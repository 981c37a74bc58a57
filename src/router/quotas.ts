// Per-token quotas (Kafka client quotas): request rate and produce/fetch byte rates,
// as token buckets in this router isolate. A caller over its rate gets
// 429 THROTTLING_QUOTA_EXCEEDED with Retry-After; bytes are charged once known, so a
// large request may overdraw and the next ones wait (as Kafka throttles after the fact).
// Buckets live per isolate: across Cloudflare's edge the rates are per router instance.

import type { MiddlewareHandler } from "hono";
import { EdgelogError } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import type { AppContext, AppEnv } from "./context.js";

type Quota = "requests" | "produceBytes" | "fetchBytes";

interface Bucket {
  level: number;
  updatedMs: number;
}

const MAX_BUCKETS = 10_000;
const buckets = new Map<string, Bucket>();

function ratePerSecond(limits: Limits, quota: Quota): number {
  if (quota === "requests") return limits.quotaRequestsPerSecond;
  return quota === "produceBytes" ? limits.quotaProduceBytesPerSecond : limits.quotaFetchBytesPerSecond;
}

/** The caller's bucket for `quota`, refilled to now; null when the caller has no quota
 * (auth off, or the root token). */
function bucket(c: AppContext, quota: Quota): { bucket: Bucket; rate: number } | null {
  const principal = c.get("principal");
  if (principal.kind !== "token") return null;
  const rate = ratePerSecond(c.get("limits"), quota);
  const key = `${principal.id}/${quota}`;
  const now = Date.now();
  let found = buckets.get(key);
  if (!found) {
    if (buckets.size >= MAX_BUCKETS) buckets.delete(buckets.keys().next().value!);
    found = { level: rate, updatedMs: now };
    buckets.set(key, found);
  }
  // One second of rate is the burst.
  found.level = Math.min(rate, found.level + ((now - found.updatedMs) / 1000) * rate);
  found.updatedMs = now;
  return { bucket: found, rate };
}

/** Refuses the call while any of the caller's buckets is empty. */
function admit(c: AppContext, quotas: readonly Quota[]): void {
  for (const quota of quotas) {
    const found = bucket(c, quota);
    if (!found || found.bucket.level > 0) continue;
    const retryAfterS = Math.max(1, Math.ceil((1 - found.bucket.level) / found.rate));
    c.header("retry-after", String(retryAfterS));
    throw new EdgelogError("THROTTLING_QUOTA_EXCEEDED", `over the ${quota} quota of ${found.rate}/s`, {
      retryAfterMs: retryAfterS * 1000,
    });
  }
}

export function charge(c: AppContext, quota: Quota, amount: number): void {
  const found = bucket(c, quota);
  if (found) found.bucket.level -= amount;
}

/** Every call spends one request; produce and fetch calls also wait for their byte
 * buckets (charged by the routes once the bytes are known: the body read, the answer
 * rendered). */
export const enforceQuotas: MiddlewareHandler<AppEnv> = async (c, next) => {
  const path = c.req.path;
  const bytes: Quota[] =
    c.req.method === "POST" && path.endsWith("/records")
      ? ["produceBytes"]
      : path.endsWith("/records") || path.endsWith("/fetch")
        ? ["fetchBytes"]
        : [];
  admit(c, ["requests", ...bytes]);
  charge(c, "requests", 1);
  await next();
};
