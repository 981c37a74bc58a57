import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey, toPositive } from "../../src/protocol/partitioner.js";
import { kafkajsMurmur2, kafkajsPartition } from "../kafkajs-oracle.js";

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz0123456789-_",
  "äöüßéèçñøåæœ",
  "日本語中文한국어",
  "😀🚀🔥👍🏽",
  "\u0000\u0001\u007f\u0080\u07ff\u0800\uffff",
];

function randomKey(next: () => number): string {
  const length = Math.floor(next() * 40);
  let key = "";
  for (let i = 0; i < length; i++) {
    const alphabet = [...ALPHABETS[Math.floor(next() * ALPHABETS.length)]!];
    key += alphabet[Math.floor(next() * alphabet.length)];
  }
  return key;
}

describe("Kafka default partitioner", () => {
  it("matches kafkajs' DefaultPartitioner on 12,000 random keys, ASCII and not", () => {
    const next = random(20261125);
    let nonAscii = 0;
    for (let i = 0; i < 12_000; i++) {
      const key = randomKey(next);
      if ([...key].some((ch) => ch.codePointAt(0)! > 0x7f)) nonAscii++;
      const partitions = 1 + Math.floor(next() * 1024);
      const expected = kafkajsPartition(key, partitions);
      expect(partitionForKey(key, partitions), `key ${JSON.stringify(key)}`).toBe(expected);
    }
    expect(nonAscii).toBeGreaterThan(5_000);
  });

  it("hashes raw bytes exactly as kafkajs does, every tail length", () => {
    const next = random(7);
    for (let i = 0; i < 2_000; i++) {
      const bytes = Uint8Array.from({ length: i % 37 }, () => Math.floor(next() * 256));
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
    }
  });

  it("agrees with values the Java client computes", () => {
    // From Kafka's UtilsTest.testMurmur2.
    const cases: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ];
    for (const [key, hash] of cases) expect(murmur2(new TextEncoder().encode(key))).toBe(hash);
    expect(toPositive(-1)).toBe(0x7fffffff);
  });
});
