// What every read path sends, and its charge to the caller's fetch quota: the bytes
// sent, counted where they are known (a middleware would have to copy the response to
// count them), the same way on every path.

import { BATCH_MEDIA_TYPE } from "../protocol/batch-frame.js";
import type { AppContext } from "./context.js";
import { charge } from "./quotas.js";

export function chargeFetched(c: AppContext, body: Uint8Array): void {
  charge(c, "fetchBytes", body.length);
}

/** A fetch's JSON answer (fetched-records.ts renders it), charged. */
export function sendFetched(c: AppContext, body: Uint8Array<ArrayBuffer>): Response {
  chargeFetched(c, body);
  return c.body(body, 200, { "content-type": "application/json; charset=UTF-8" });
}

/** A fetch's binary answer (fetch-frame.ts), charged. */
export function sendFetchFrame(c: AppContext, body: Uint8Array<ArrayBuffer>): Response {
  chargeFetched(c, body);
  return c.body(body, 200, { "content-type": BATCH_MEDIA_TYPE });
}
