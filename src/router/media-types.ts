// Content negotiation of the record routes: a produce body is JSON (with or without
// parameters such as charset, or with no Content-Type at all, as clients have always
// sent it) or a binary batch (batch-frame.ts); any other type is 415. A fetch answers
// in binary when its Accept names the batch type, else in JSON.

import { BATCH_MEDIA_TYPE } from "../protocol/batch-frame.js";
import { EdgelogError } from "../protocol/errors.js";
import type { AppContext } from "./context.js";

export type BodyKind = "json" | "batch";

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const BATCH_TYPE = new RegExp(`^${BATCH_MEDIA_TYPE.replace(/[.]/g, "\\.")}\\s*(;|$)`, "i");
const ACCEPTS_BATCH = new RegExp(`(^|,)\\s*${BATCH_MEDIA_TYPE.replace(/[.]/g, "\\.")}\\s*(;|,|$)`, "i");

/** The kind of a produce body; 415 UNSUPPORTED_MEDIA_TYPE for any other, before it is read. */
export function produceBodyKind(c: AppContext, batchAllowed: boolean): BodyKind {
  const type = c.req.header("content-type");
  if (type === undefined || JSON_TYPE.test(type)) return "json";
  if (BATCH_TYPE.test(type)) {
    if (batchAllowed) return "batch";
    throw new EdgelogError(
      "UNSUPPORTED_MEDIA_TYPE",
      `${BATCH_MEDIA_TYPE} is taken on the partition's route (/v1/topics/{topic}/partitions/{p}/records) only`,
    );
  }
  throw new EdgelogError(
    "UNSUPPORTED_MEDIA_TYPE",
    `content-type ${JSON.stringify(type)} is not taken here: send application/json or ${BATCH_MEDIA_TYPE}`,
  );
}

/** Whether a fetch's Accept asks for the binary fetch frame. */
export function acceptsBatch(c: AppContext): boolean {
  const accept = c.req.header("accept");
  return accept !== undefined && ACCEPTS_BATCH.test(accept);
}
