// Mutated requests against the gateway: kafkajs-encoded Produce, Fetch, Metadata,
// ListOffsets and JoinGroup frames with random bytes flipped, cut or stretched. Each one
// is answered or closes its connection; none is an internal error, the gateway keeps
// serving, and only whole batches of 3 records (with a valid CRC) are ever appended.

import { createRequire } from "node:module";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seededRandom } from "../random.js";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { createTopic, fetchAll, uniqueTopic } from "./http.js";

const require = createRequire(import.meta.url);
const SEED = Number(process.env.GATEWAY_FUZZ_SEED ?? 17);
const CASES = 150;
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

async function frameOf(path: string, args: unknown, correlationId: number): Promise<Buffer> {
  const request = require(`kafkajs/src/protocol/requests/${path}/request`)(args);
  const encode = require("kafkajs/src/protocol/request");
  return (await encode({ correlationId, clientId: "fuzz", request })).buffer as Buffer;
}

/** Sends one frame on a fresh connection: "answered", "closed", or "silent" (acks=0 produce). */
function exchange(frame: Buffer, port: number): Promise<"answered" | "closed" | "silent"> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(frame));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("silent");
    }, 3_000);
    socket.once("data", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("answered");
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve("closed");
    });
    socket.once("error", () => undefined);
  });
}

it(`survives ${CASES} mutated requests (seed ${SEED})`, { timeout: 180_000 }, async () => {
  const random = seededRandom(SEED);
  const topic = uniqueTopic("gw-fuzz");
  await createTopic(topic, 2);
  const messages = [
    { key: "a", value: "1" },
    { key: "b", value: "2" },
    { key: null, value: "3" },
  ];
  const seeds = await Promise.all([
    frameOf(
      "produce/v7",
      { acks: -1, timeout: 1000, topicData: [{ topic, partitions: [{ partition: 0, messages }] }] },
      1,
    ),
    frameOf(
      "fetch/v11",
      {
        replicaId: -1,
        maxWaitTime: 10,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: "0", maxBytes: 1 << 20 }] }],
        rackId: "",
      },
      2,
    ),
    frameOf("metadata/v6", { topics: [topic], allowAutoTopicCreation: false }, 3),
    frameOf(
      "listOffsets/v3",
      { replicaId: -1, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 1, timestamp: -1 }] }] },
      4,
    ),
  ]);
  const outcomes = { answered: 0, closed: 0, silent: 0 };
  for (let i = 0; i < CASES; i++) {
    const frame = Buffer.from(random.pick(seeds));
    const kind = random.int(3);
    let mutated: Buffer;
    if (kind === 0) {
      for (let flips = 1 + random.int(3); flips > 0; flips--) {
        const at = 4 + random.int(frame.length - 4);
        frame[at] = (frame[at] as number) ^ (1 << random.int(8));
      }
      mutated = frame;
    } else if (kind === 1) {
      // Cut the body but keep a consistent size prefix: the frame itself is short.
      mutated = frame.subarray(0, 12 + random.int(frame.length - 12));
      mutated.writeInt32BE(mutated.length - 4, 0);
    } else {
      mutated = Buffer.concat([frame, Buffer.from(Array.from({ length: 1 + random.int(16) }, () => random.int(256)))]);
      mutated.writeInt32BE(mutated.length - 4, 0);
    }
    outcomes[await exchange(mutated, gateway.port)]++;
  }
  console.log(`gateway fuzz (seed ${SEED}): ${JSON.stringify(outcomes)}`);
  expect(gateway.logs.filter((line) => line.includes("internal error"))).toEqual([]);
  const appended = await fetchAll(topic, 0);
  expect(appended.length % 3).toBe(0);
  const listed = await kcat(["-b", gateway.broker, "-L", "-t", topic]);
  expect(listed.stdout).toContain(`topic "${topic}" with 2 partitions`);
});
