// Golden vectors for the gateway's flexible versions (KIP-482): requests encoded by
// @platformatic/kafka's own encoders decode to what was sent, and the gateway's answers
// decode with its parsers (node_modules/@platformatic/kafka/dist/apis). Field lists
// as in Kafka's message schemas (clients/src/main/resources/common/message/*.json).

import {
  apiVersionsV3,
  fetchV12,
  fetchV13,
  listOffsetsV6,
  metadataV9,
  metadataV12,
  Reader as PlatformaticReader,
  produceV9,
} from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { apiVersionsBody } from "../../src/gateway/apis/api-versions.js";
import { fetchBody, keyOf, type PartitionAnswer, readFetchRequest } from "../../src/gateway/apis/fetch.js";
import { listOffsetsBody, readListOffsetsRequest } from "../../src/gateway/apis/list-offsets.js";
import { metadataBody, readMetadataRequest } from "../../src/gateway/apis/metadata.js";
import { produceBody, readProduceRequest } from "../../src/gateway/apis/produce.js";
import { API_BY_KEY } from "../../src/gateway/apis/registry.js";
import { decompress } from "../../src/gateway/codec/compression.js";
import { Reader } from "../../src/gateway/codec/reader.js";
import { COMPRESSION_MASK, readBatches, readRecords, writeBatch } from "../../src/gateway/codec/record-batch.js";
import type { Writer } from "../../src/gateway/codec/writer.js";
import { KnownTopicIds, topicIdOf } from "../../src/gateway/topic-ids.js";
import { frameRecordsOf, type TestRecord } from "../frame-records.js";

type Encoder = { buffer: Buffer };
type Parser = (correlationId: number, apiKey: number, apiVersion: number, reader: PlatformaticReader) => unknown;

function requestBody(writer: Encoder): Reader {
  return new Reader(writer.buffer);
}

function parsed(parser: Parser, apiKey: number, version: number, body: Writer): Record<string, unknown> {
  return parser(1, apiKey, version, PlatformaticReader.from(Buffer.from(body.bytesView()))) as Record<string, unknown>;
}

const gateway = { nodeId: 0, host: "gw.local", port: 9092 };

describe("flexible versions against @platformatic/kafka's encoders", () => {
  it("ApiVersions v3: its parser reads every served API", () => {
    const body = apiVersionsBody([...API_BY_KEY.values()], 3, 0);
    const decoded = parsed(apiVersionsV3.parseResponse, 18, 3, body) as { apiKeys: { apiKey: number }[] };
    expect(decoded.apiKeys.map((k) => k.apiKey)).toEqual([...API_BY_KEY.keys()]);
  });

  it("Metadata v9: compact arrays and strings, tagged fields in every struct", () => {
    const request = requestBody(metadataV9.createRequest(["orders", "missing"], false, false));
    expect(readMetadataRequest(request, 9)).toEqual(["orders", "missing"]);
    expect(request.remaining).toBe(0);
    expect(readMetadataRequest(requestBody(metadataV9.createRequest(null as never, false, false)), 9)).toBeNull();
    const topics = [
      { name: "orders", errorCode: 0, partitions: 2 },
      { name: "missing", errorCode: 3, partitions: 0 },
    ];
    const body = metadataBody(topics, 9, gateway, new KnownTopicIds());
    let decoded: Record<string, unknown>;
    try {
      decoded = parsed(metadataV9.parseResponse, 3, 9, body);
    } catch (error) {
      // Its parser throws on a topic error, carrying what it read.
      decoded = (error as { response: Record<string, unknown> }).response;
    }
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 0, host: "gw.local", port: 9092, rack: null }],
      clusterId: "edgelog",
      controllerId: 0,
      topics: [
        {
          name: "orders",
          errorCode: 0,
          partitions: [
            { partitionIndex: 0, leaderId: 0, leaderEpoch: -1, replicaNodes: [0], isrNodes: [0] },
            { partitionIndex: 1, leaderId: 0, leaderEpoch: -1, replicaNodes: [0], isrNodes: [0] },
          ],
        },
        { name: "missing", errorCode: 3, partitions: [] },
      ],
    });
  });

  it("Produce v9: its snappy and lz4 batches decode to what was sent; its parser reads the answer", async () => {
    for (const compression of ["none", "gzip", "snappy", "lz4"] as const) {
      const messages = [
        {
          topic: "orders",
          partition: 2,
          key: Buffer.from("k1"),
          value: Buffer.from("one"),
          timestamp: 1_700_000_000_000n,
        },
        {
          topic: "orders",
          partition: 2,
          value: Buffer.alloc(5000, 7),
          headers: new Map([[Buffer.from("h"), Buffer.from("v")]]),
          timestamp: 1_700_000_000_009n,
        },
      ];
      const request = requestBody(produceV9.createRequest(-1, 30_000, messages as never, { compression }));
      const produced = readProduceRequest(request, 9);
      expect(request.remaining).toBe(0);
      expect(produced).toMatchObject({ transactionalId: null, acks: -1 });
      const split = readBatches(produced.topics[0]?.partitions[0]?.records as Buffer, 8);
      if (!split.ok) throw new Error(split.message);
      const batch = split.batches[0];
      if (!batch) throw new Error("no batch");
      const inflated = await decompress(batch.attributes & COMPRESSION_MASK, batch.recordsBytes, 1 << 20);
      if (!inflated.ok) throw new Error(inflated.message);
      const records = readRecords(inflated.bytes, batch.recordCount, batch.baseTimestampMs);
      expect(records.map((r) => [r.key?.toString() ?? null, r.value?.length, r.timestampMs, r.headers.length])).toEqual(
        [
          ["k1", 3, 1_700_000_000_000, 0],
          [null, 5000, 1_700_000_000_009, 1],
        ],
      );
    }
    const answer = [{ name: "orders", partitions: [{ index: 2, errorCode: 0, baseOffset: 41, errorMessage: null }] }];
    expect(parsed(produceV9.parseResponse, 0, 9, produceBody(answer, 9))).toMatchObject({
      responses: [{ name: "orders", partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 41n }] }],
      throttleTimeMs: 0,
    });
  });

  it("Fetch v12: its request decodes to the asked partitions; its parser reads the batches", () => {
    const request = requestBody(
      fetchV12.createRequest(
        5000,
        1,
        10_485_760,
        0,
        0,
        0,
        [
          {
            topicId: "orders",
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: -1,
                fetchOffset: 7n,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 1 << 20,
              },
            ],
          },
        ] as never,
        [],
        "",
      ),
    );
    const asked = readFetchRequest(request, 12, new KnownTopicIds());
    expect(request.remaining).toBe(0);
    expect(asked).toMatchObject({ maxWaitMs: 5000, minBytes: 1, maxBytes: 10_485_760 });
    expect(asked.wanted).toEqual([{ topic: "orders", partition: 1, offset: 7 }]);
    const fetched: TestRecord[] = [
      { offset: 7, timestampMs: 1_700_000_000_000, key: Buffer.from("k"), value: Buffer.from("v"), headers: [] },
      { offset: 8, timestampMs: 1_700_000_000_001, key: null, value: Buffer.alloc(300, 1), headers: [] },
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
    ]);
    const decoded = parsed(fetchV12.parseResponse, 1, 12, fetchBody(asked.topics, answers, 12)) as {
      responses: { topicId: string; partitions: Record<string, unknown>[] }[];
    };
    const partition = decoded.responses[0]?.partitions[0] as {
      highWatermark: bigint;
      records: { firstOffset: bigint; records: { offsetDelta: number; value: Buffer }[] }[];
    };
    expect(decoded.responses[0]?.topicId).toBe("orders");
    expect(partition).toMatchObject({ partitionIndex: 1, errorCode: 0, highWatermark: 9n, logStartOffset: 2n });
    const batch = partition.records[0];
    expect(batch?.firstOffset).toBe(7n);
    expect(batch?.records.map((r) => [r.offsetDelta, r.value.length])).toEqual([
      [0, 1],
      [1, 300],
    ]);
  });

  it("Metadata v12 and Fetch v13: topic ids derived from names, read back from the ones answered", () => {
    const topicIds = new KnownTopicIds();
    const request = requestBody(metadataV12.createRequest(["orders"], false, false));
    expect(readMetadataRequest(request, 12)).toEqual(["orders"]);
    expect(request.remaining).toBe(0);
    const body = metadataBody([{ name: "orders", errorCode: 0, partitions: 1 }], 12, gateway, topicIds);
    const decoded = parsed(metadataV12.parseResponse, 3, 12, body) as { topics: { name: string; topicId: string }[] };
    const topicId = decoded.topics[0]?.topicId as string;
    expect(topicId.replaceAll("-", "")).toBe(topicIdOf("orders").toString("hex"));
    expect(decoded.topics[0]?.name).toBe("orders");
    const partition = {
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 3n,
      lastFetchedEpoch: -1,
      partitionMaxBytes: 1024,
    };
    const unknownId = "00000000-0000-0000-0000-00000000002a";
    const fetchRequest = requestBody(
      fetchV13.createRequest(
        500,
        1,
        1 << 20,
        0,
        0,
        0,
        [
          { topicId, partitions: [partition] },
          { topicId: unknownId, partitions: [partition] },
        ] as never,
        [],
        "",
      ),
    );
    const asked = readFetchRequest(fetchRequest, 13, topicIds);
    expect(fetchRequest.remaining).toBe(0);
    expect(asked.wanted).toEqual([{ topic: "orders", partition: 0, offset: 3 }]);
    const fetched: TestRecord[] = [
      { offset: 3, timestampMs: 1_700_000_000_000, key: null, value: Buffer.from("v"), headers: [] },
    ];
    const answers = new Map<string, PartitionAnswer>([
      [
        keyOf("orders", 0),
        {
          partition: 0,
          errorCode: 0,
          highWatermark: 4,
          logStartOffset: 0,
          records: writeBatch(frameRecordsOf(fetched), 9),
        },
      ],
    ]);
    let answered: { responses: { topicId: string; partitions: { errorCode: number }[] }[] };
    try {
      answered = parsed(fetchV13.parseResponse, 1, 13, fetchBody(asked.topics, answers, 13)) as typeof answered;
    } catch (error) {
      // Its parser throws on a partition error, carrying what it read.
      answered = (error as { response: typeof answered }).response;
    }
    expect(answered.responses.map((r) => [r.topicId, r.partitions[0]?.errorCode])).toEqual([
      [topicId, 0],
      [unknownId, 100],
    ]);
  });

  it("ListOffsets v6: its request and its parser of the answer", () => {
    const request = requestBody(
      listOffsetsV6.createRequest(-1, 0, [
        { name: "orders", partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -2n }] },
      ] as never),
    );
    expect(readListOffsetsRequest(request, 6)).toEqual([
      { name: "orders", partitions: [{ index: 1, timestamp: -2n }] },
    ]);
    expect(request.remaining).toBe(0);
    const answer = [{ name: "orders", partitions: [{ index: 1, errorCode: 0, timestamp: -1, offset: 5 }] }];
    expect(parsed(listOffsetsV6.parseResponse, 2, 6, listOffsetsBody(answer, 6))).toMatchObject({
      topics: [{ name: "orders", partitions: [{ partitionIndex: 1, errorCode: 0, offset: 5n, leaderEpoch: -1 }] }],
    });
  });
});
