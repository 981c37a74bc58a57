// Golden vectors for the gateway's codec: requests encoded by kafkajs' own encoders
// decode to what was sent, and responses the gateway encodes decode with kafkajs'
// own decoders (node_modules/kafkajs/src/protocol).

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { apiVersionsBody } from "../../src/gateway/apis/api-versions.js";
import { readSubscription, writeAssignment, writeSubscription } from "../../src/gateway/apis/consumer-protocol.js";
import { fetchBody, keyOf, type PartitionAnswer, readFetchRequest } from "../../src/gateway/apis/fetch.js";
import { listOffsetsBody, readListOffsetsRequest } from "../../src/gateway/apis/list-offsets.js";
import { metadataBody, readMetadataRequest } from "../../src/gateway/apis/metadata.js";
import { produceBody, readProduceRequest } from "../../src/gateway/apis/produce.js";
import { API_BY_KEY } from "../../src/gateway/apis/registry.js";
import { decompress } from "../../src/gateway/codec/compression.js";
import { crc32c } from "../../src/gateway/codec/crc32c.js";
import { Reader } from "../../src/gateway/codec/reader.js";
import { COMPRESSION_MASK, readBatches, readRecords, writeBatch } from "../../src/gateway/codec/record-batch.js";
import { Writer } from "../../src/gateway/codec/writer.js";
import { KnownTopicIds } from "../../src/gateway/topic-ids.js";
import { frameRecordsOf, type TestRecord } from "../frame-records.js";

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
type KafkajsRequest = { apiKey: number; apiVersion: number; encode: () => Promise<Encoded> };
const kafkajs = (path: string) => require(`kafkajs/src/protocol/${path}`);
const Long = require("kafkajs/src/utils/long");
const { Types: Compression } = kafkajs("message/compression");

async function requestBody(path: string, args: unknown): Promise<Reader> {
  const request = kafkajs(`requests/${path}/request`)(args) as KafkajsRequest;
  return new Reader((await request.encode()).buffer);
}

async function decodeResponse(path: string, body: Writer): Promise<Record<string, unknown>> {
  const response = kafkajs(`requests/${path}/response`);
  return await response.decode(Buffer.from(body.bytesView()));
}

const messages = [
  { key: "alice", value: "one", timestamp: 1_700_000_000_000, headers: { source: "web" } },
  { key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: 1_700_000_000_005 },
  { key: "carol", value: null, timestamp: 1_700_000_000_001 },
];

describe("primitives", () => {
  it("round-trips varints, varlongs and compact strings at their edges", () => {
    const ints = [0, 1, -1, 63, -64, 64, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)];
    const longs = [0n, -1n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];
    const writer = new Writer();
    for (const value of ints) writer.varint(value);
    for (const value of longs) writer.varlong(value);
    writer
      .nullableString(null, true)
      .string("héllo", true)
      .uvarint(2 ** 32 - 1);
    const reader = new Reader(Buffer.from(writer.bytesView()));
    expect(ints.map(() => reader.varint())).toEqual(ints);
    expect(longs.map(() => reader.varlong())).toEqual(longs);
    expect([reader.nullableString(true), reader.string(true), reader.uvarint()]).toEqual([null, "héllo", 2 ** 32 - 1]);
    expect(reader.remaining).toBe(0);
  });

  it("matches kafkajs' varint encoding byte for byte", () => {
    const Encoder = kafkajs("encoder");
    for (const value of [0, 1, -1, 300, -300, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(Buffer.from(new Writer().varint(value).bytesView())).toEqual(new Encoder().writeVarInt(value).buffer);
    }
  });

  it("computes CRC-32C as kafkajs does (and the standard check value)", () => {
    const kafkajsCrc = kafkajs("recordBatch/crc32C");
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    expect(crc32c(bytes)).toBe(kafkajsCrc(bytes));
    // Every tail length after the eight-byte steps, from views at odd offsets too.
    for (let start = 0; start < 3; start++) {
      for (let length = 0; length <= 40; length++) {
        const view = bytes.subarray(start, start + length);
        expect(crc32c(view), `${length} bytes from ${start}`).toBe(kafkajsCrc(Buffer.from(view)));
      }
    }
  });

  it("keeps a large raw part as a chunk of its own, not copied, in order", () => {
    const large = Buffer.alloc(64 * 1024, 7);
    const writer = new Writer().int32(1).nullableBytes(large, false).int16(2);
    const chunks = writer.chunks();
    expect(chunks.some((chunk) => chunk.buffer === large.buffer)).toBe(true);
    expect(writer.size).toBe(4 + 4 + large.length + 2);
    const expected = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 1, 0, 0]), large, Buffer.from([0, 2])]);
    expect(Buffer.concat(chunks)).toEqual(expected);
    expect(writer.bytesView()).toEqual(expected);
  });

  it("refuses a frame that ends early or announces an impossible array", () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(/needs 4 bytes/);
    expect(() => new Reader(Buffer.from([0, 0, 0x7f, 0xff])).array(false, (r) => r.int8())).toThrow(/array of/);
  });
});

describe("RecordBatch v2", () => {
  for (const [name, compression] of [
    ["uncompressed", Compression.None],
    ["gzip", Compression.GZIP],
  ] as const) {
    it(`decodes kafkajs' Produce v7 batch (${name}) with its CRC checked`, async () => {
      const body = await requestBody("produce/v7", {
        acks: -1,
        timeout: 30_000,
        compression,
        producerId: Long.fromInt(42),
        producerEpoch: 3,
        topicData: [{ topic: "orders", partitions: [{ partition: 2, firstSequence: 10, messages }] }],
      });
      const request = readProduceRequest(body, 3);
      expect(body.remaining).toBe(0);
      expect(request).toMatchObject({ transactionalId: null, acks: -1 });
      const partition = request.topics[0]?.partitions[0];
      expect([request.topics[0]?.name, partition?.index]).toEqual(["orders", 2]);
      const split = readBatches(partition?.records as Buffer, 8);
      if (!split.ok) throw new Error(split.message);
      const batch = split.batches[0];
      if (!batch) throw new Error("no batch");
      expect([batch.producerId, batch.producerEpoch, batch.baseSequence, batch.recordCount]).toEqual([42n, 3, 10, 3]);
      const inflated = await decompress(batch.attributes & COMPRESSION_MASK, batch.recordsBytes, 1 << 20);
      if (!inflated.ok) throw new Error(inflated.message);
      const records = readRecords(inflated.bytes, batch.recordCount, batch.baseTimestampMs);
      expect(records.map((r) => [r.key?.toString(), r.value, r.timestampMs, r.headers])).toEqual([
        ["alice", Buffer.from("one"), 1_700_000_000_000, [{ key: "source", value: Buffer.from("web") }]],
        [undefined, Buffer.from([0, 1, 2, 255]), 1_700_000_000_005, []],
        ["carol", null, 1_700_000_000_001, []],
      ]);
    });
  }

  it("refuses an inflated batch over its bound", async () => {
    const bomb = (await import("node:zlib")).gzipSync(Buffer.alloc(1 << 20));
    expect(await decompress(1, bomb, 1024)).toMatchObject({ ok: false, code: "CORRUPT_MESSAGE" });
  });

  it("reports a flipped byte as CORRUPT_MESSAGE", async () => {
    const body = await requestBody("produce/v7", {
      acks: 1,
      timeout: 1000,
      topicData: [{ topic: "t", partitions: [{ partition: 0, messages }] }],
    });
    const records = readProduceRequest(body, 3).topics[0]?.partitions[0]?.records as Buffer;
    const corrupt = Buffer.from(records);
    corrupt[corrupt.length - 3] = (corrupt[corrupt.length - 3] as number) ^ 0x40;
    expect(readBatches(corrupt, 8)).toMatchObject({ ok: false, code: "CORRUPT_MESSAGE" });
    expect(readBatches(records.subarray(0, records.length - 1), 8)).toMatchObject({
      ok: false,
      code: "CORRUPT_MESSAGE",
    });
  });

  it("writes batches that kafkajs' Fetch v11 decoder reads back, offsets and all", async () => {
    const fetched: TestRecord[] = [
      { offset: 7, timestampMs: 1_700_000_000_000, key: Buffer.from("k"), value: Buffer.from("v"), headers: [] },
      {
        offset: 8,
        timestampMs: 1_699_999_999_000,
        key: null,
        value: Buffer.alloc(3000, 1),
        headers: [[Buffer.from("h"), Buffer.from("x")]],
      },
    ];
    const answers = new Map<string, PartitionAnswer>([
      [
        keyOf("orders", 1),
        {
          partition: 1,
          errorCode: 0,
          highWatermark: 9,
          logStartOffset: 2,
          records: writeBatch(frameRecordsOf(fetched), 9),
        },
      ],
      [
        keyOf("orders", 0),
        { partition: 0, errorCode: 1, highWatermark: -1, logStartOffset: -1, records: Buffer.alloc(0) },
      ],
    ]);
    const decoded = (await decodeResponse(
      "fetch/v11",
      fetchBody([{ name: "orders", id: null, partitions: [1, 0] }], answers, 11),
    )) as {
      responses: { topicName: string; partitions: Record<string, unknown>[] }[];
    };
    const [withRecords, failedPartition] = decoded.responses[0]?.partitions ?? [];
    expect(withRecords).toMatchObject({ partition: 1, errorCode: 0, highWatermark: "9", lastStartOffset: "2" });
    const got = ((withRecords?.messages ?? []) as Record<string, unknown>[]).map((m) => [
      m.offset,
      m.timestamp,
      (m.key as Buffer | null)?.toString() ?? null,
      (m.value as Buffer).length,
      Object.keys(m.headers as object),
    ]);
    expect(got).toEqual([
      ["7", "1700000000000", "k", 1, []],
      ["8", "1699999999000", null, 3000, ["h"]],
    ]);
    expect(failedPartition).toMatchObject({ partition: 0, errorCode: 1, messages: [] });
  });
});

describe("batches across a compacted log's gaps", () => {
  it("a batch covers the span to nextOffset, and an empty span is an empty batch kafkajs reads", async () => {
    const record = (offset: number): TestRecord => ({
      offset,
      timestampMs: 1_700_000_000_000 + offset,
      key: Buffer.from("k"),
      value: Buffer.from("v"),
      headers: [],
    });
    const decode = async (records: Buffer) => {
      const answers = new Map<string, PartitionAnswer>([
        [keyOf("t", 0), { partition: 0, errorCode: 0, highWatermark: 20, logStartOffset: 0, records }],
      ]);
      const body = fetchBody([{ name: "t", id: null, partitions: [0] }], answers, 11);
      return ((await decodeResponse("fetch/v11", body)) as { responses: { partitions: Record<string, unknown>[] }[] })
        .responses[0]!.partitions[0]!;
    };
    const spanned = writeBatch(frameRecordsOf([record(3), record(7)], 2), 12);
    // lastOffsetDelta (bytes 23..27) reaches offset 11 from base offset 3.
    expect([Number(spanned.readBigInt64BE(0)), spanned.readInt32BE(23)]).toEqual([3, 8]);
    expect(((await decode(spanned)).messages as { offset: string }[]).map((m) => m.offset)).toEqual(["3", "7"]);
    const empty = writeBatch(frameRecordsOf([], 5), 9);
    expect([Number(empty.readBigInt64BE(0)), empty.readInt32BE(23), empty.readInt32BE(57)]).toEqual([5, 3, 0]);
    expect((await decode(empty)).messages).toEqual([]);
    expect(writeBatch(frameRecordsOf([], 5), 5).length).toBe(0);
  });
});

describe("requests and responses", () => {
  it("Fetch v11: kafkajs' request decodes to the asked partitions and wait", async () => {
    const body = await requestBody("fetch/v11", {
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10_485_760,
      topics: [{ topic: "orders", partitions: [{ partition: 0, fetchOffset: "12", maxBytes: 1_048_576 }] }],
      rackId: "",
    });
    const request = readFetchRequest(body, 11, new KnownTopicIds());
    expect(body.remaining).toBe(0);
    expect(request).toMatchObject({ maxWaitMs: 5000, minBytes: 1, maxBytes: 10_485_760 });
    expect(request.wanted).toEqual([{ topic: "orders", partition: 0, offset: 12 }]);
  });

  it("Metadata v6: kafkajs' request and its decoder of the gateway's answer", async () => {
    const body = await requestBody("metadata/v6", { topics: ["orders", "missing"], allowAutoTopicCreation: false });
    expect(readMetadataRequest(body, 6)).toEqual(["orders", "missing"]);
    expect(body.remaining).toBe(0);
    // kafkajs asks for every topic with a null array.
    const all = await requestBody("metadata/v6", { topics: [], allowAutoTopicCreation: true });
    expect(readMetadataRequest(all, 6)).toBeNull();
    const gateway = { nodeId: 0, host: "gw.local", port: 9092 };
    const topics = [
      { name: "orders", errorCode: 0, partitions: 2 },
      { name: "missing", errorCode: 3, partitions: 0 },
    ];
    const decoded = await decodeResponse("metadata/v6", metadataBody(topics, 6, gateway, new KnownTopicIds()));
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 0, host: "gw.local", port: 9092 }],
      clusterId: "edgelog",
      controllerId: 0,
      topicMetadata: [
        {
          topic: "orders",
          topicErrorCode: 0,
          partitionMetadata: [
            { partitionId: 0, leader: 0, replicas: [0], isr: [0] },
            { partitionId: 1, leader: 0, replicas: [0], isr: [0] },
          ],
        },
        { topic: "missing", topicErrorCode: 3, partitionMetadata: [] },
      ],
    });
  });

  it("Produce v0-v2: parsed, their message sets (magic 0 and 1) refused; answers kafkajs decodes", async () => {
    for (const version of [0, 2]) {
      const body = await requestBody(`produce/v${version}`, {
        acks: 1,
        timeout: 1000,
        topicData: [{ topic: "orders", partitions: [{ partition: 0, messages: [{ key: "k", value: "v" }] }] }],
      });
      const request = readProduceRequest(body, version);
      expect(body.remaining).toBe(0);
      expect(request).toMatchObject({ transactionalId: null, acks: 1, topics: [{ name: "orders" }] });
      expect(readBatches(request.topics[0]?.partitions[0]?.records as Buffer, 8)).toMatchObject({
        ok: false,
        code: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
      });
      const answer = [
        { name: "orders", partitions: [{ index: 0, errorCode: 43, baseOffset: -1, errorMessage: null }] },
      ];
      const decoded = await decodeResponse(`produce/v${version}`, produceBody(answer, version));
      expect(decoded).toMatchObject({
        topics: [{ topicName: "orders", partitions: [{ partition: 0, errorCode: 43 }] }],
      });
    }
  });

  it("Produce v7 response decodes with kafkajs", async () => {
    const answer = [{ name: "orders", partitions: [{ index: 2, errorCode: 0, baseOffset: 41, errorMessage: null }] }];
    const decoded = await decodeResponse("produce/v7", produceBody(answer, 7));
    expect(decoded).toMatchObject({
      topics: [{ topicName: "orders", partitions: [{ partition: 2, errorCode: 0, baseOffset: "41" }] }],
    });
  });

  it("ListOffsets v3: kafkajs' request and response", async () => {
    const body = await requestBody("listOffsets/v3", {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: "orders", partitions: [{ partition: 1, timestamp: -2 }] }],
    });
    expect(readListOffsetsRequest(body, 3)).toEqual([{ name: "orders", partitions: [{ index: 1, timestamp: -2n }] }]);
    const answer = [{ name: "orders", partitions: [{ index: 1, errorCode: 0, timestamp: -1, offset: 5 }] }];
    const decoded = await decodeResponse("listOffsets/v3", listOffsetsBody(answer, 3));
    expect(decoded).toMatchObject({ responses: [{ topic: "orders", partitions: [{ partition: 1, offset: "5" }] }] });
  });

  it("ApiVersions v2 response lists every served API, decoded by kafkajs", async () => {
    const decoded = (await decodeResponse("apiVersions/v2", apiVersionsBody([...API_BY_KEY.values()], 2, 0))) as {
      apiVersions: { apiKey: number; minVersion: number; maxVersion: number }[];
    };
    expect(decoded.apiVersions.map((v) => v.apiKey)).toEqual([...API_BY_KEY.keys()]);
    expect(decoded.apiVersions.find((v) => v.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 9 });
  });
});

describe("the consumer protocol inside JoinGroup and SyncGroup", () => {
  const { AssignerProtocol } = require("kafkajs") as typeof import("kafkajs");

  it("reads kafkajs' subscription and writes assignments and subscriptions kafkajs decodes", () => {
    const metadata = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ["orders", "billing"],
      userData: Buffer.alloc(0),
    });
    expect(readSubscription(metadata)).toEqual({ topics: ["orders", "billing"], owned: {} });
    expect(readSubscription(Buffer.from([0, 1, 0]))).toBeNull();
    const assignment = AssignerProtocol.MemberAssignment.decode(
      writeAssignment({ orders: [2, 0] }, ["orders", "billing"]),
    );
    // Every subscribed topic is listed, an unassigned one with no partitions.
    expect(assignment?.assignment).toEqual({ orders: [2, 0], billing: [] });
    expect(AssignerProtocol.MemberMetadata.decode(writeSubscription(["orders"]))?.topics).toEqual(["orders"]);
  });

  it("reads a v1 subscription's owned partitions (a cooperative member's)", () => {
    const v1 = new Writer().int16(1).array(["orders"], false, (w, t) => w.string(t, false));
    v1.nullableBytes(null, false).array([["orders", [1, 3]] as const], false, (w, [topic, partitions]) => {
      w.string(topic, false).array(partitions, false, (p, partition) => p.int32(partition));
    });
    expect(readSubscription(Buffer.from(v1.bytesView()))).toEqual({ topics: ["orders"], owned: { orders: [1, 3] } });
  });

  it("reads @platformatic/kafka's v1 subscription, which ends after its user data", () => {
    const v1 = new Writer().int16(1).array(["orders", "billing"], false, (w, t) => w.string(t, false));
    v1.nullableBytes(null, false);
    expect(readSubscription(Buffer.from(v1.bytesView()))).toEqual({ topics: ["orders", "billing"], owned: {} });
    // A truncated user data field is still refused.
    expect(readSubscription(Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 9]))).toBeNull();
  });
});
