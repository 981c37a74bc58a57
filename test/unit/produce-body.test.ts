import { describe, expect, it } from "vitest";
import { partitionProduceBodySchema, plainProduceBody, produceBodySchema } from "../../src/protocol/schemas.js";
import { seededRandom } from "../random.js";

// plainProduceBody must accept nothing the zod schemas refuse, and give zod's output.
const CANDIDATES: unknown[] = [
  undefined,
  null,
  0,
  -0,
  1,
  -1,
  1.5,
  7,
  2 ** 53,
  8_640_000_000_000_000,
  8_640_000_000_000_001,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  "",
  "k",
  "json",
  "base64",
  "JSON",
  true,
  [],
  [1],
  {},
  { h: "v" },
];

function randomRecord(random: ReturnType<typeof seededRandom>): unknown {
  if (random.int(20) === 0) return random.pick(CANDIDATES);
  const record: Record<string, unknown> = {};
  for (const field of ["key", "value", "headers", "partition", "timestamp"]) {
    if (random.int(2) === 0) record[field] = random.pick(CANDIDATES);
  }
  if (random.int(20) === 0) record[random.pick(["keys", "__proto__", "offset"])] = 1;
  return record;
}

function randomBody(random: ReturnType<typeof seededRandom>): unknown {
  if (random.int(30) === 0) return random.pick(CANDIDATES);
  const body: Record<string, unknown> = {
    records:
      random.int(15) === 0
        ? random.pick(CANDIDATES)
        : Array.from({ length: random.int(4) }, () => randomRecord(random)),
  };
  for (const field of ["encoding", "producerId", "producerEpoch", "baseSequence", "acks"]) {
    if (random.int(3) === 0) body[field] = random.pick(CANDIDATES);
  }
  return body;
}

describe("plainProduceBody", () => {
  it("accepts only what zod accepts, with zod's output", () => {
    const random = seededRandom(7);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw = random.int(2) === 0 ? randomBody(random) : JSON.parse(JSON.stringify(randomBody(random)) ?? "null");
      for (const perPartition of [false, true]) {
        const fast = plainProduceBody(raw, perPartition);
        if (fast === null) continue;
        accepted++;
        const zod = (perPartition ? partitionProduceBodySchema : produceBodySchema).safeParse(raw);
        expect(zod.success, JSON.stringify(raw)).toBe(true);
        expect(fast).toStrictEqual(zod.data);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it("takes the common bodies without zod", () => {
    const records = [
      { key: "k", value: { a: 1 } },
      { value: null, headers: { h: "v" }, partition: 0, timestamp: 5 },
    ];
    expect(plainProduceBody({ records }, false)).toStrictEqual({ records, encoding: "json" });
    const idempotent = { records, encoding: "base64", producerId: 1, producerEpoch: 0, baseSequence: 9 };
    expect(plainProduceBody(idempotent, true)).toStrictEqual(idempotent);
    expect(plainProduceBody(idempotent, false)).toBeNull();
    expect(plainProduceBody(JSON.parse('{"records":[{"value":1,"__proto__":{}}]}'), false)).toBeNull();
  });
});
