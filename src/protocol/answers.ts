// The HTTP API's answers to produce and fetch, as the router sends them and the SDK,
// CLI, console and gateway read them: one definition for both sides. The fetch answers
// are rendered as bytes (fetched-records.ts), never built as these objects, so their
// records come out exactly as stored; these types say what those bytes hold.

import type { ErrorBody } from "./errors.js";
import type { Encoding } from "./record-codec.js";

/** The error of one partition inside a larger answer. */
export type PartitionError = ErrorBody["error"];

/** A record's headers on the wire: UTF-8 names to UTF-8 values. */
export type WireHeaders = Record<string, string>;

/** A fetched record as the server sends it. With `encoding: "base64"` its key and
 * value are base64 (it was produced as bytes). */
export interface FetchedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: WireHeaders;
  encoding?: Encoding;
}

/** POST .../records: one result per record, in request order (207 when some failed). */
export interface ProduceAnswer {
  results: ({ partition: number; offset: number } | { partition: number; error: PartitionError })[];
}

/** GET .../partitions/{p}/records. */
export interface PartitionFetchAnswer {
  records: FetchedRecord[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** POST /v1/fetch: each partition asked, in order, with its records or its error. */
export interface MultiFetchAnswer {
  partitions: ({ topic: string; partition: number } & (PartitionFetchAnswer | { error: PartitionError }))[];
}
