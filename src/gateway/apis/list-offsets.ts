// ListOffsets (key 2), v1+: timestamp -2 is earliest, -1 latest, any other the first
// offset at or after it (GET .../offsets?at=...).

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

const LATEST = -1n;
const EARLIEST = -2n;

export interface Asked {
  index: number;
  timestamp: bigint;
}

export interface Answer {
  index: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

const FLEXIBLE_FROM = 6;

export const listOffsetsApi: KafkaApi = {
  key: 2,
  name: "ListOffsets",
  minVersion: 1,
  maxVersion: 6,
  flexibleFrom: FLEXIBLE_FROM,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const topics = readListOffsetsRequest(request, version);
    const answered = await Promise.all(
      topics.map(async (topic) => ({
        name: topic.name,
        partitions: await mapBounded(topic.partitions, context.limits.maxConcurrentCalls, (asked) =>
          listOffset(topic.name, asked, context),
        ),
      })),
    );
    return listOffsetsBody(answered, version);
  },
};

export function readListOffsetsRequest(request: Reader, version: number): { name: string; partitions: Asked[] }[] {
  const flexible = version >= FLEXIBLE_FROM;
  request.int32(); // replica_id
  if (version >= 2) request.int8(); // isolation_level: every record is committed
  const topics = request.array(flexible, (topic) => {
    const name = topic.string(flexible);
    const partitions = topic.array(flexible, (partition): Asked => {
      const index = partition.int32();
      if (version >= 4) partition.int32(); // current_leader_epoch
      const timestamp = partition.int64();
      partition.endStruct(flexible);
      return { index, timestamp };
    });
    topic.endStruct(flexible);
    return { name, partitions };
  });
  request.endStruct(flexible);
  return topics;
}

async function listOffset(topic: string, asked: Asked, context: RequestContext): Promise<Answer> {
  if (asked.timestamp < EARLIEST) {
    return { index: asked.index, errorCode: KAFKA_ERROR.INVALID_REQUEST, timestamp: -1, offset: -1 };
  }
  const at =
    asked.timestamp === LATEST ? "latest" : asked.timestamp === EARLIEST ? "earliest" : String(asked.timestamp);
  try {
    const found = await context.edgelog.listOffset(topic, asked.index, at);
    return { index: asked.index, errorCode: KAFKA_ERROR.NONE, timestamp: found.timestamp ?? -1, offset: found.offset };
  } catch (error) {
    return { index: asked.index, errorCode: errorCodeOf(error), timestamp: -1, offset: -1 };
  }
}

export function listOffsetsBody(topics: { name: string; partitions: Answer[] }[], version: number): Writer {
  const flexible = version >= FLEXIBLE_FROM;
  const writer = new Writer();
  if (version >= 2) writer.int32(NO_THROTTLE_MS);
  writer.array(topics, flexible, (topic, t) => {
    topic.string(t.name, flexible);
    topic.array(t.partitions, flexible, (partition, p) => {
      partition.int32(p.index).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
      if (version >= 4) partition.int32(-1);
      partition.endStruct(flexible);
    });
    topic.endStruct(flexible);
  });
  return writer.endStruct(flexible);
}
