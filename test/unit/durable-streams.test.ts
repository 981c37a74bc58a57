// The pure parts of the Durable Streams mapping: path -> topic, offsets, cursors and
// the protocol's producer checks.

import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/protocol/limits.js";
import { nextCursor } from "../../src/streams/cursor.js";
import { checkProducer, streamProducerId } from "../../src/streams/producer-check.js";
import { formatOffset, parseOffset } from "../../src/streams/stream-offset.js";
import { checkStreamTopic, streamPathOf, streamTopic } from "../../src/streams/stream-topic.js";
import { ManualClock } from "../manual-clock.js";

describe("stream path -> topic", () => {
  it("escapes every byte outside [A-Za-z0-9-], one-to-one", () => {
    expect(streamTopic("chat/room-1")).toBe("ds.chat_2froom-1");
    expect(streamTopic("a_b")).toBe("ds.a_5fb");
    expect(streamTopic("a.b")).toBe("ds.a_2eb");
    expect(streamTopic("é")).toBe("ds._c3_a9");
    const paths = ["a/b", "a_2fb", "a.b", "a_b", "a__b", "a/_b", "/", "_2f", "ab"];
    expect(new Set(paths.map(streamTopic)).size).toBe(paths.length);
    for (const path of paths) expect(checkStreamTopic(streamTopic(path), DEFAULT_LIMITS)).toBeNull();
  });

  it("reads the path after /v1/stream/, decoded, and refuses none or an over-long one", () => {
    expect(streamPathOf("/v1/stream/chat%2Froom")).toBe("chat/room");
    expect(streamPathOf("/v1/stream/")).toBeNull();
    expect(streamPathOf("/v1/stream/%E0%A4%A")).toBeNull();
    expect(checkStreamTopic("", DEFAULT_LIMITS)?.code).toBe("INVALID_REQUEST");
    expect(checkStreamTopic(streamTopic("x".repeat(247)), DEFAULT_LIMITS)?.code).toBe("INVALID_REQUEST");
  });
});

describe("offsets", () => {
  it("sort as strings as the Kafka offsets sort as numbers", () => {
    const offsets = [0, 1, 9, 10, 99, 100, 123_456_789, 2 ** 40];
    const formatted = offsets.map(formatOffset);
    expect([...formatted].sort()).toEqual(formatted);
    expect(formatted.map(parseOffset)).toEqual(offsets);
  });

  it("take the sentinels and refuse anything else", () => {
    expect(parseOffset(undefined)).toBe("earliest");
    expect(parseOffset("-1")).toBe("earliest");
    expect(parseOffset("now")).toBe("latest");
    for (const bad of ["", "0,1", "1 2", "12", "-2", "000000000000000a", "00000000000000001"]) {
      expect(() => parseOffset(bad), bad).toThrow(/offset must be/);
    }
  });
});

describe("cursors", () => {
  it("count 20 s intervals and never go back when the client's cursor is not behind", () => {
    const clock = new ManualClock(Date.UTC(2024, 9, 9) + 20_000 * 1000 + 5);
    expect(nextCursor(clock, undefined)).toBe("1000");
    expect(nextCursor(clock, "999")).toBe("1000");
    const collided = Number(nextCursor(clock, "1000", () => 0));
    expect(collided).toBe(1001);
    expect(Number(nextCursor(clock, "1000", () => 0.9999))).toBe(1000 + 180);
    expect(Number(nextCursor(clock, "5000", () => 0.5))).toBeGreaterThan(5000);
    clock.advance(20_000);
    expect(nextCursor(clock, "junk")).toBe("1001");
  });
});

describe("producer checks", () => {
  const at = (epoch: number, lastSeq: number) => ({ epoch, lastSeq });
  const producer = (epoch: number, seq: number) => ({ id: "p", epoch, seq });

  it("accept a new producer at seq 0, the next seq, and a higher epoch at seq 0", () => {
    expect(checkProducer(null, producer(0, 0)).kind).toBe("append");
    expect(checkProducer(null, producer(3, 0)).kind).toBe("append");
    expect(checkProducer(at(0, 4), producer(0, 5)).kind).toBe("append");
    expect(checkProducer(at(0, 4), producer(1, 0)).kind).toBe("append");
  });

  it("answer a seq at or below the last one as a duplicate of the last accepted", () => {
    for (const seq of [0, 3, 4]) {
      const verdict = checkProducer(at(2, 4), producer(2, seq));
      expect(verdict).toEqual({ kind: "duplicate", record: at(2, 4) });
    }
  });

  it("fence a stale epoch, refuse a new epoch not at 0, and name a gap", () => {
    expect(checkProducer(at(5, 0), producer(4, 1))).toMatchObject({
      kind: "refuse",
      error: { code: "PRODUCER_FENCED", details: { producerEpoch: 5 } },
    });
    expect(checkProducer(at(0, 0), producer(1, 1))).toMatchObject({ error: { code: "INVALID_REQUEST" } });
    expect(checkProducer(at(0, 2), producer(0, 5))).toMatchObject({
      error: { code: "OUT_OF_ORDER_SEQUENCE_NUMBER", details: { expectedSequence: 3, receivedSequence: 5 } },
    });
    expect(checkProducer(null, producer(0, 1))).toMatchObject({ error: { details: { expectedSequence: 0 } } });
  });

  it("map a Producer-Id to a stable Kafka producerId within 1..2^53-1", async () => {
    const ids = await Promise.all(["a", "b", "order-service-1", "a"].map(streamProducerId));
    expect(ids[0]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(Number.isSafeInteger(id) && id >= 1).toBe(true);
  });
});
