// A table of malformed and out-of-limit requests against a real `wrangler dev`: each
// one gets its 4xx status and error code (docs/PROTOCOL.md, Errors), the error body
// has the shape {error: {code, message, retriable: false}}, and nothing is appended,
// created or changed by any of them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTopic, produce, uniqueTopic } from "./http.js";

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

interface Case {
  name: string;
  method: Method;
  path: string;
  /** An object is sent as JSON; a string is sent raw. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** Extra fields the error must carry, e.g. logStartOffset and highWatermark on 416. */
  details?: Record<string, unknown>;
}

const MiB = 1024 * 1024;
const TOPIC = uniqueTopic("malformed");
/** A compacted topic, for the keyless produce; it stays empty. */
const COMPACTED = uniqueTopic("malformed-compacted");
const PARTITIONS = 2;
/** Records produced before the table runs, per partition. */
const SEEDED = [3, 2] as const;

const produceAt = `/v1/topics/${TOPIC}/records`;
const produceP0 = `/v1/topics/${TOPIC}/partitions/0/records`;
const fetchP0 = `/v1/topics/${TOPIC}/partitions/0/records`;
const topicAt = `/v1/topics/${TOPIC}`;

/** Valid topic names used by create requests that must fail for another reason. */
const badCreateNames = {
  partitions0: uniqueTopic("bad-parts0"),
  partitions1025: uniqueTopic("bad-parts1025"),
  partitionsNegative: uniqueTopic("bad-partsneg"),
  partitionsFraction: uniqueTopic("bad-partsfrac"),
  rf0: uniqueTopic("bad-rf0"),
  rf6: uniqueTopic("bad-rf6"),
  minIsr: uniqueTopic("bad-minisr"),
  retention0: uniqueTopic("bad-ret0"),
  retentionMinus2: uniqueTopic("bad-retm2"),
  unknownField: uniqueTopic("bad-field"),
  dirtyRatio: uniqueTopic("bad-dirty-ratio"),
  compactionLags: uniqueTopic("bad-compaction-lags"),
  cleanupPolicy: uniqueTopic("bad-cleanup-policy"),
  placement: uniqueTopic("bad-placement"),
  jurisdiction: uniqueTopic("bad-jurisdiction"),
  malformed: uniqueTopic("bad-json"),
};
const badTopicNames = ["", ".", "..", "a/b", "x".repeat(250), "has space", "tópico", "bad$name"];

// Nine records of 1,000,000 bytes each: every record is under the 1 MiB record limit,
// the body (about 9,000,100 bytes) is over the 8 MiB request limit.
const overEightMiBBody = JSON.stringify({
  records: Array.from({ length: 9 }, () => ({ value: "b".repeat(1_000_000) })),
});
// JSON.stringify of a 1 MiB string is 1 MiB + 2 bytes (its quotes): over the record limit.
const overOneMiBValue = "m".repeat(MiB);
const tooManyRecords = Array.from({ length: 10_001 }, (_, i) => ({ value: i }));
const sixtyFiveHeaders = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`h${i}`, "v"]));

const cases: Case[] = [
  // ---- produce: acks=0 first, so an append that slipped through would have landed
  // well before the final check.
  {
    name: "produce acks=0 with a bad base64 value",
    method: "POST",
    path: `${produceAt}?acks=0`,
    body: { encoding: "base64", records: [{ value: "not base64!" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce acks=0 with a negative partition",
    method: "POST",
    path: `${produceAt}?acks=0`,
    body: { records: [{ value: 1, partition: -1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce acks=0 to a partition >= count",
    method: "POST",
    path: `${produceAt}?acks=0`,
    body: { records: [{ value: 1, partition: PARTITIONS }] },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "produce malformed JSON",
    method: "POST",
    path: produceAt,
    body: '{"records": [{"value": 1}',
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce empty body",
    method: "POST",
    path: produceAt,
    body: "",
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce body is a JSON array",
    method: "POST",
    path: produceAt,
    body: [{ value: 1 }],
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce body is a JSON string",
    method: "POST",
    path: produceAt,
    body: '"records"',
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce body is JSON null",
    method: "POST",
    path: produceAt,
    body: "null",
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce without records",
    method: "POST",
    path: produceAt,
    body: { encoding: "json" },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an empty records array",
    method: "POST",
    path: produceAt,
    body: { records: [] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with records not an array",
    method: "POST",
    path: produceAt,
    body: { records: { value: 1 } },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a record that is not an object",
    method: "POST",
    path: produceAt,
    body: { records: [42] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an unknown top-level field",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1 }], compression: "gzip" },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an unknown record field",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, offset: 7 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a record without value",
    method: "POST",
    path: produceAt,
    body: { records: [{ key: "k" }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a numeric key in json encoding",
    method: "POST",
    path: produceAt,
    body: { records: [{ key: 12, value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an object key in json encoding",
    method: "POST",
    path: produceAt,
    body: { records: [{ key: { id: 1 }, value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an unknown encoding",
    method: "POST",
    path: produceAt,
    body: { encoding: "hex", records: [{ value: "00" }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a bad base64 key",
    method: "POST",
    path: produceAt,
    body: { encoding: "base64", records: [{ key: "@@@@", value: "YQ==" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a bad base64 value",
    method: "POST",
    path: produceAt,
    body: { encoding: "base64", records: [{ key: "YQ==", value: "a*b=" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with unpadded base64",
    method: "POST",
    path: produceAt,
    body: { encoding: "base64", records: [{ value: "YQ" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with URL-safe base64",
    method: "POST",
    path: produceAt,
    body: { encoding: "base64", records: [{ value: "-_-_" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a number as a base64 value",
    method: "POST",
    path: produceAt,
    body: { encoding: "base64", records: [{ value: 5 }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce a good record then a bad base64 one",
    method: "POST",
    path: produceAt,
    body: {
      encoding: "base64",
      records: [
        { value: "YQ==", partition: 0 },
        { value: "YQ=", partition: 1 },
      ],
    },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with headers not an object",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, headers: "h=v" }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with headers as an array",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, headers: [["h", "v"]] }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a header value not a string",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, headers: { h: 1 } }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a key holding a lone high surrogate",
    method: "POST",
    path: produceAt,
    body: String.raw`{"records":[{"key":"\ud800k","value":1}]}`,
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a header name that is a lone low surrogate",
    method: "POST",
    path: produceAt,
    body: String.raw`{"records":[{"value":1,"headers":{"\udc00":"v"}}]}`,
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a header value holding a reversed surrogate pair",
    method: "POST",
    path: produceAt,
    body: String.raw`{"records":[{"value":1,"partition":0},{"value":2,"partition":1,"headers":{"h":"x\ude00\ud83d"}}]}`,
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce a value nesting past 1,000 levels with a number to keep as written",
    method: "POST",
    path: produceAt,
    body: `{"records":[{"value":${"[".repeat(1_000)}1.0${"]".repeat(1_000)}}]}`,
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with 65 headers",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, headers: sixtyFiveHeaders }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "produce with a negative partition",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, partition: -1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a non-integer partition",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, partition: 0.5 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a string partition",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, partition: "0" }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce to a partition >= count",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, partition: PARTITIONS }] },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "produce a good record then one to a partition >= count",
    method: "POST",
    path: produceAt,
    body: {
      records: [
        { value: 1, partition: 0 },
        { value: 2, partition: 7 },
      ],
    },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "produce on the route of a partition >= count",
    method: "POST",
    path: `/v1/topics/${TOPIC}/partitions/${PARTITIONS}/records`,
    body: { records: [{ value: 1 }] },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "produce on a partition route to a record naming another partition",
    method: "POST",
    path: produceP0,
    body: { records: [{ value: 1, partition: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce on the route of partition -1",
    method: "POST",
    path: `/v1/topics/${TOPIC}/partitions/-1/records`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a negative timestamp",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, timestamp: -1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a non-integer timestamp",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, timestamp: 1.5 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a string timestamp",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: 1, timestamp: "2024-01-01T00:00:00Z" }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce a record over 1 MiB",
    method: "POST",
    path: produceAt,
    body: { records: [{ value: overOneMiBValue }] },
    status: 413,
    code: "MESSAGE_TOO_LARGE",
  },
  {
    name: "produce a good record then one over 1 MiB",
    method: "POST",
    path: produceAt,
    body: {
      records: [
        { value: 1, partition: 1 },
        { key: "k", value: overOneMiBValue, partition: 0 },
      ],
    },
    status: 413,
    code: "MESSAGE_TOO_LARGE",
  },
  {
    name: "produce 10,001 records",
    method: "POST",
    path: produceAt,
    body: { records: tooManyRecords },
    status: 413,
    code: "RECORD_LIST_TOO_LARGE",
  },
  {
    name: "produce a body over 8 MiB",
    method: "POST",
    path: produceAt,
    body: overEightMiBBody,
    status: 413,
    code: "RECORD_LIST_TOO_LARGE",
  },
  {
    name: "produce with acks=2",
    method: "POST",
    path: `${produceAt}?acks=2`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with acks=none",
    method: "POST",
    path: `${produceAt}?acks=none`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with an unknown query parameter",
    method: "POST",
    path: `${produceAt}?timeoutMs=100`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with a repeated acks parameter",
    method: "POST",
    path: `${produceAt}?acks=1&acks=all`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "produce with content-type text/plain",
    method: "POST",
    path: produceAt,
    body: JSON.stringify({ records: [{ value: 1 }] }),
    headers: { "content-type": "text/plain" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "produce with content-type application/x-www-form-urlencoded",
    method: "POST",
    path: produceAt,
    body: "records=1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "produce to an unknown topic",
    method: "POST",
    path: `/v1/topics/${uniqueTopic("no-such-topic")}/records`,
    body: { records: [{ value: 1 }] },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "produce to an invalid topic name in the path",
    method: "POST",
    path: "/v1/topics/bad$name/records",
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_TOPIC_EXCEPTION",
  },
  {
    name: "produce to a 250-character topic name in the path",
    method: "POST",
    path: `/v1/topics/${"x".repeat(250)}/records`,
    body: { records: [{ value: 1 }] },
    status: 400,
    code: "INVALID_TOPIC_EXCEPTION",
  },

  // ---- fetch
  {
    name: "fetch at a negative offset",
    method: "GET",
    path: `${fetchP0}?offset=-1`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch at offset abc",
    method: "GET",
    path: `${fetchP0}?offset=abc`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch at a non-integer offset",
    method: "GET",
    path: `${fetchP0}?offset=1.5`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with maxRecords=0",
    method: "GET",
    path: `${fetchP0}?offset=0&maxRecords=0`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with maxRecords over 10,000",
    method: "GET",
    path: `${fetchP0}?offset=0&maxRecords=10001`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with maxBytes over 8 MiB",
    method: "GET",
    path: `${fetchP0}?offset=0&maxBytes=${8 * MiB + 1}`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with maxBytes=0",
    method: "GET",
    path: `${fetchP0}?offset=0&maxBytes=0`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with maxWaitMs over 30,000",
    method: "GET",
    path: `${fetchP0}?offset=0&maxWaitMs=30001`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with a negative maxWaitMs",
    method: "GET",
    path: `${fetchP0}?offset=0&maxWaitMs=-5`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with an unknown query parameter",
    method: "GET",
    path: `${fetchP0}?offset=0&isolation=read_committed`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with an unknown encoding",
    method: "GET",
    path: `${fetchP0}?offset=0&encoding=hex`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch with a repeated offset parameter",
    method: "GET",
    path: `${fetchP0}?offset=0&offset=1`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch beyond logEndOffset",
    method: "GET",
    path: `${fetchP0}?offset=${SEEDED[0] + 1}`,
    status: 416,
    code: "OFFSET_OUT_OF_RANGE",
    details: { logStartOffset: 0, highWatermark: SEEDED[0] },
  },
  {
    name: "fetch far beyond logEndOffset",
    method: "GET",
    path: `/v1/topics/${TOPIC}/partitions/1/records?offset=9999999999`,
    status: 416,
    code: "OFFSET_OUT_OF_RANGE",
    details: { logStartOffset: 0, highWatermark: SEEDED[1] },
  },
  {
    name: "fetch from partition x",
    method: "GET",
    path: `/v1/topics/${TOPIC}/partitions/x/records?offset=0`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "fetch from a partition >= count",
    method: "GET",
    path: `/v1/topics/${TOPIC}/partitions/${PARTITIONS}/records?offset=0`,
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "fetch from an unknown topic",
    method: "GET",
    path: `/v1/topics/${uniqueTopic("no-such-topic")}/partitions/0/records?offset=0`,
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "list offsets at a bad position",
    method: "GET",
    path: `/v1/topics/${TOPIC}/partitions/0/offsets?at=yesterday`,
    status: 400,
    code: "INVALID_REQUEST",
  },

  // ---- POST /v1/fetch
  {
    name: "multi-fetch with an empty partitions list",
    method: "POST",
    path: "/v1/fetch",
    body: { partitions: [] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "multi-fetch with an unknown field",
    method: "POST",
    path: "/v1/fetch",
    body: { partitions: [{ topic: TOPIC, partition: 0, offset: 0 }], isolationLevel: 1 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "multi-fetch with a negative offset",
    method: "POST",
    path: "/v1/fetch",
    body: { partitions: [{ topic: TOPIC, partition: 0, offset: -1 }] },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "multi-fetch with maxWaitMs over 30,000",
    method: "POST",
    path: "/v1/fetch",
    body: { partitions: [{ topic: TOPIC, partition: 0, offset: 0 }], maxWaitMs: 30_001 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "multi-fetch with malformed JSON",
    method: "POST",
    path: "/v1/fetch",
    body: "{partitions: []}",
    status: 400,
    code: "INVALID_REQUEST",
  },

  // ---- topics
  ...badTopicNames.map(
    (name): Case => ({
      name: `create a topic named ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length} chars)` : name)}`,
      method: "POST",
      path: "/v1/topics",
      body: { name },
      status: 400,
      code: "INVALID_TOPIC_EXCEPTION",
    }),
  ),
  {
    name: "create a topic without a name",
    method: "POST",
    path: "/v1/topics",
    body: { partitions: 1 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "create a topic with a numeric name",
    method: "POST",
    path: "/v1/topics",
    body: { name: 42 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "create a topic with partitions 0",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.partitions0, partitions: 0 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "create a topic with partitions 1025",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.partitions1025, partitions: 1025 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "create a topic with partitions -1",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.partitionsNegative, partitions: -1 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "create a topic with partitions 1.5",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.partitionsFraction, partitions: 1.5 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "create a topic with replicationFactor 0",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.rf0, replicationFactor: 0 },
    status: 400,
    code: "INVALID_REPLICATION_FACTOR",
  },
  {
    name: "create a topic with replicationFactor 6",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.rf6, replicationFactor: 6 },
    status: 400,
    code: "INVALID_REPLICATION_FACTOR",
  },
  {
    name: "create a topic with minInsyncReplicas 2 and replicationFactor 1",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.minIsr, replicationFactor: 1, minInsyncReplicas: 2 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with retentionMs 0",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.retention0, retentionMs: 0 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with retentionMs -2",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.retentionMinus2, retentionMs: -2 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with an unknown field",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.unknownField, segmentBytes: 1_048_576 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "create a topic with minCleanableDirtyRatio 1.5",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.dirtyRatio, cleanupPolicy: "compact", minCleanableDirtyRatio: 1.5 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with maxCompactionLagMs below minCompactionLagMs",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.compactionLags, minCompactionLagMs: 10_000, maxCompactionLagMs: 5_000 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with an unknown cleanupPolicy",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.cleanupPolicy, cleanupPolicy: "delete,compact" },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with an unknown placement hint",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.placement, placement: ["mars"] },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    // Local workerd cannot confine objects to a jurisdiction: refused, never ignored.
    name: "create a topic with a jurisdiction this runtime cannot enforce",
    method: "POST",
    path: "/v1/topics",
    body: { name: badCreateNames.jurisdiction, jurisdiction: "eu" },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "create a topic with malformed JSON",
    method: "POST",
    path: "/v1/topics",
    body: `{"name": "${badCreateNames.malformed}",}`,
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "create a topic that already exists",
    method: "POST",
    path: "/v1/topics",
    body: { name: TOPIC, partitions: 4 },
    status: 409,
    code: "TOPIC_ALREADY_EXISTS",
  },
  {
    name: "alter a topic with an empty body object",
    method: "PATCH",
    path: topicAt,
    body: {},
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "alter a topic with an unknown field",
    method: "PATCH",
    path: topicAt,
    body: { retentionMs: 1000, segmentMs: 1000 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "alter a delete topic's cleanupPolicy to compact",
    method: "PATCH",
    path: topicAt,
    body: { cleanupPolicy: "compact" },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "produce a keyless record to a compacted topic",
    method: "POST",
    path: `/v1/topics/${COMPACTED}/records`,
    body: { records: [{ key: "k", value: 1 }, { value: 2 }] },
    status: 400,
    code: "INVALID_RECORD",
  },
  {
    name: "alter a topic's replicationFactor (fixed at creation)",
    method: "PATCH",
    path: topicAt,
    body: { replicationFactor: 1 },
    status: 400,
    code: "INVALID_REQUEST",
  },
  {
    name: "alter a topic to minInsyncReplicas 2 with replicationFactor 1",
    method: "PATCH",
    path: topicAt,
    body: { minInsyncReplicas: 2 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "alter a topic to retentionMs 0",
    method: "PATCH",
    path: topicAt,
    body: { retentionMs: 0 },
    status: 400,
    code: "INVALID_CONFIG",
  },
  {
    name: "alter an unknown topic",
    method: "PATCH",
    path: `/v1/topics/${uniqueTopic("no-such-topic")}`,
    body: { retentionMs: 1000 },
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "add partitions with a smaller count",
    method: "POST",
    path: `${topicAt}/partitions`,
    body: { count: 1 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "add partitions with the same count",
    method: "POST",
    path: `${topicAt}/partitions`,
    body: { count: PARTITIONS },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "add partitions over 1024",
    method: "POST",
    path: `${topicAt}/partitions`,
    body: { count: 1025 },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "add partitions with a string count",
    method: "POST",
    path: `${topicAt}/partitions`,
    body: { count: "3" },
    status: 400,
    code: "INVALID_PARTITIONS",
  },
  {
    name: "describe a topic with a 250-character name",
    method: "GET",
    path: `/v1/topics/${"x".repeat(250)}`,
    status: 400,
    code: "INVALID_TOPIC_EXCEPTION",
  },
  {
    name: "describe an unknown topic",
    method: "GET",
    path: `/v1/topics/${uniqueTopic("no-such-topic")}`,
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },
  {
    name: "delete an unknown topic",
    method: "DELETE",
    path: `/v1/topics/${uniqueTopic("no-such-topic")}`,
    status: 404,
    code: "UNKNOWN_TOPIC_OR_PARTITION",
  },

  // ---- routes
  {
    name: "unknown route",
    method: "GET",
    path: "/v1/no-such-route",
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "unknown method on a known path",
    method: "PUT",
    path: produceAt,
    body: { records: [{ value: 1 }] },
    status: 405,
    code: "METHOD_NOT_ALLOWED",
  },
];

/** Names that bad create requests tried to take; none may exist afterwards. */
const namesOfBadCreates = cases
  .filter((c) => c.method === "POST" && c.path === "/v1/topics" && c.code !== "TOPIC_ALREADY_EXISTS")
  .map((c) => (c.body as { name?: unknown } | string | undefined) ?? {})
  .map((b) => (typeof b === "string" ? badCreateNames.malformed : b.name))
  .filter((n): n is string => typeof n === "string");

interface Snapshot {
  topicId: string;
  config: unknown;
  partitions: { partition: number; logStartOffset: number; highWatermark: number }[];
}

async function snapshot(): Promise<Snapshot> {
  const reply = await call("GET", topicAt);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return {
    topicId: reply.body.topicId,
    config: reply.body.config,
    partitions: reply.body.partitions.map((p: Snapshot["partitions"][number]) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      highWatermark: p.highWatermark,
    })),
  };
}

describe("malformed and out-of-limit requests", () => {
  let before: Snapshot;

  beforeAll(async () => {
    await createTopic(TOPIC, PARTITIONS);
    await createTopic(COMPACTED, 1, { cleanupPolicy: "compact" });
    for (const [partition, count] of SEEDED.entries()) {
      const records = Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: { i }, partition }));
      const reply = await produce(TOPIC, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    before = await snapshot();
    expect(before.partitions.map((p) => p.highWatermark)).toEqual([...SEEDED]);
  });

  afterAll(async () => {
    await call("DELETE", topicAt);
    await call("DELETE", `/v1/topics/${COMPACTED}`);
  });

  it("has at least 35 distinct cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)("$name → $status $code", async (c) => {
    const reply = await call(c.method, c.path, c.body, c.headers);
    const shown = typeof reply.body === "string" ? reply.body.slice(0, 300) : JSON.stringify(reply.body);
    expect(reply.status, shown).toBe(c.status);
    expect(String(reply.headers["content-type"]), shown).toMatch(/^application\/json/);
    expect(reply.body, shown).toMatchObject({ error: { code: c.code, retriable: false, ...c.details } });
    expect(typeof reply.body.error.message).toBe("string");
    expect(reply.body.error.message.length).toBeGreaterThan(0);
    expect(Object.keys(reply.body).sort()).toEqual(["error"]);
    expect(Object.keys(reply.body.error).sort()).toEqual(
      ["code", "message", "retriable", ...Object.keys(c.details ?? {})].sort(),
    );
  });

  it("appended nothing, created no topic and changed no config", async () => {
    const after = await snapshot();
    expect(after).toEqual(before);
    for (const [partition, count] of SEEDED.entries()) {
      const reply = await call("GET", `/v1/topics/${TOPIC}/partitions/${partition}/records?offset=0&maxRecords=10000`);
      expect(reply.status).toBe(200);
      expect(reply.body.records).toHaveLength(count);
      expect(reply.body.nextOffset).toBe(count);
    }
    const listed = await call("GET", "/v1/topics");
    expect(listed.status).toBe(200);
    const names = new Set<string>(listed.body.topics.map((t: { name: string }) => t.name));
    expect(names.has(TOPIC)).toBe(true);
    expect(namesOfBadCreates.length).toBeGreaterThanOrEqual(20);
    expect(namesOfBadCreates.filter((n) => names.has(n))).toEqual([]);
    expect(listed.body.topics.filter((t: { name: string }) => t.name === TOPIC)).toHaveLength(1);
    const compacted = await call("GET", `/v1/topics/${COMPACTED}/partitions/0/records?offset=0`);
    expect([compacted.body.records, compacted.body.nextOffset]).toEqual([[], 0]);
  });
});
