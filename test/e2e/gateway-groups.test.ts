// Consumer groups through the gateway: kafkajs 2.2.4 and kcat (librdkafka) members in
// classic groups that Edgelog's KIP-848 coordinator assigns. Every record is delivered,
// no partition has two owners at once, a member that leaves hands its partitions over,
// and committed offsets are Edgelog's (GET /v1/groups/{g}/offsets).

import { createRequire } from "node:module";
import type { Consumer, Kafka as KafkaType } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { call, createTopic, produce, uniqueTopic } from "./http.js";
import { client } from "./sdk.js";

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");

let gateway: TestGateway;
let kafka: KafkaType;

beforeAll(async () => {
  gateway = await startTestGateway();
  kafka = new Kafka({ clientId: "gateway-groups", brokers: [gateway.broker], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await gateway?.close();
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function produceKeyed(topic: string, from: number, count: number): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
  const reply = await produce(topic, records);
  expect(reply.status).toBe(200);
}

async function groupState(groupId: string) {
  return (await call("GET", `/v1/groups/${groupId}`)).body as {
    state: string;
    members: { memberId: string; assignment: Record<string, number[]> }[];
  };
}

describe("consumer groups through the gateway", () => {
  it("kafkajs: three members split six partitions, one leaves, every record arrives and offsets commit", async () => {
    const topic = uniqueTopic("kjs-group");
    const groupId = uniqueTopic("kjs-g");
    await createTopic(topic, 6);
    await produceKeyed(topic, 0, 300);
    const received = new Map<string, number>();
    /** Each member's partitions as kafkajs last got them at SyncGroup, until it starts to
     * rejoin (which gives them up): one partition in two of these at once is a failure. */
    const held = new Map<string, Set<number>>();
    let overlaps = 0;
    const consumers: Consumer[] = [];
    for (const name of ["c1", "c2", "c3"]) {
      const consumer = kafka.consumer({
        groupId,
        heartbeatInterval: 300,
        sessionTimeout: 10_000,
        maxWaitTimeInMs: 500,
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const mine = new Set(payload.memberAssignment[topic] ?? []);
        for (const [other, partitions] of held) {
          if (other !== name && [...mine].some((p) => partitions.has(p))) overlaps++;
        }
        held.set(name, mine);
      });
      consumer.on(consumer.events.REBALANCING, () => held.delete(name));
      consumer.on(consumer.events.STOP, () => held.delete(name));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = `${partition}:${message.offset}`;
          received.set(key, (received.get(key) ?? 0) + 1);
        },
      });
      consumers.push(consumer);
    }
    const stableWith = (count: number, each: number[]) => async () => {
      const group = await groupState(groupId);
      const sizes = group.members.map((m) => (m.assignment[topic] ?? []).length).sort();
      return group.state === "Stable" && group.members.length === count && sizes.join() === each.join();
    };
    await until("three members of two partitions each", stableWith(3, [2, 2, 2]));
    await until("300 records", () => received.size === 300);

    await consumers[2]?.disconnect();
    await until("two members of three partitions each", stableWith(2, [3, 3]));
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: "consumer" });
    const [described] = (await admin.describeGroups([groupId])).groups;
    expect(described).toMatchObject({ groupId, state: "Stable", protocolType: "consumer" });
    const { AssignerProtocol } = require("kafkajs") as typeof import("kafkajs");
    const split = (described?.members ?? []).map(
      (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [],
    );
    expect(split.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    await admin.disconnect();
    await produceKeyed(topic, 300, 60);
    await until("360 records", () => received.size === 360);
    expect(overlaps).toBe(0);

    const highWatermarks = async () => {
      const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body.offsets as {
        offset: number;
        highWatermark: number;
      }[];
      return offsets.length === 6 && offsets.every((o) => o.offset === o.highWatermark);
    };
    await until("committed offsets at every highWatermark", highWatermarks);
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    console.log(`kafkajs group: 360 records, ${duplicates} delivered more than once`);
    await Promise.all(consumers.slice(0, 2).map((c) => c.disconnect()));
    await until("an empty group", async () => (await groupState(groupId)).state === "Empty");
  });

  it("kcat -G: two members split a topic's partitions and together read every record", async () => {
    const topic = uniqueTopic("kcat-group");
    const groupId = uniqueTopic("kcat-g");
    await createTopic(topic, 4);
    await produceKeyed(topic, 0, 200);
    const stop = new AbortController();
    const member = (name: string) =>
      kcat(
        ["-b", gateway.broker, "-G", groupId, topic, "-X", "auto.offset.reset=earliest", "-f", `${name} %p %o\\n`],
        "",
        60_000,
        stop.signal,
      );
    const first = member("m1");
    await until("m1 holding all four", async () => {
      const group = await groupState(groupId);
      return group.state === "Stable" && (group.members[0]?.assignment[topic] ?? []).length === 4;
    });
    const second = member("m2");
    await until("two members of two partitions each", async () => {
      const group = await groupState(groupId);
      const sizes = group.members.map((m) => (m.assignment[topic] ?? []).length);
      return group.state === "Stable" && sizes.join() === "2,2";
    });
    const split = (await groupState(groupId)).members.map((m) => m.assignment[topic] ?? []);
    expect(split.flat().sort()).toEqual([0, 1, 2, 3]);
    await produceKeyed(topic, 200, 100);
    await until("every record committed", async () => {
      const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body.offsets as { offset: number }[];
      return offsets.reduce((sum, o) => sum + o.offset, 0) === 300;
    });
    stop.abort();
    const [one, two] = await Promise.all([first, second]);
    const lines = `${one.stdout}${two.stdout}`.trim().split("\n");
    expect(new Set(lines.map((line) => line.split(" ").slice(1).join(":"))).size).toBe(300);
    // m2 joined second: it read only the two partitions it was given.
    const m2Partitions = new Set(
      two.stdout
        .trim()
        .split("\n")
        .map((line) => Number(line.split(" ")[1])),
    );
    expect(m2Partitions.size).toBe(2);
    expect(split.some((s) => [...m2Partitions].every((p) => s.includes(p)))).toBe(true);
    console.log(
      `kcat -G: m1 read ${one.stdout.trim().split("\n").length} lines, m2 ${two.stdout.trim().split("\n").length}`,
    );
  });

  it("a mixed group: a kafkajs member through the gateway and an SDK member over HTTP share the partitions", async () => {
    const topic = uniqueTopic("mixed");
    const groupId = uniqueTopic("mixed-g");
    await createTopic(topic, 4);
    await produceKeyed(topic, 0, 200);
    const seen = { kafkajs: new Map<number, Set<string>>(), sdk: new Map<number, Set<string>>() };
    const note = (who: keyof typeof seen, partition: number, offset: string) => {
      const offsets = seen[who].get(partition) ?? new Set<string>();
      seen[who].set(partition, offsets.add(offset));
    };
    const kafkajsMember = kafka.consumer({
      groupId,
      heartbeatInterval: 300,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 500,
    });
    await kafkajsMember.connect();
    await kafkajsMember.subscribe({ topic, fromBeginning: true });
    await kafkajsMember.run({
      eachMessage: async ({ partition, message }) => note("kafkajs", partition, message.offset),
    });
    await until("the kafkajs member holding all four", async () => {
      const group = await groupState(groupId);
      return group.state === "Stable" && (group.members[0]?.assignment[topic] ?? []).length === 4;
    });
    const sdkMember = client().consumer({ groupId, sessionTimeoutMs: 10_000, maxWaitMs: 500 });
    await sdkMember.subscribe({ topics: [topic], fromBeginning: true });
    await sdkMember.run({
      eachMessage: async ({ partition, message }) => note("sdk", partition, String(message.offset)),
    });
    await until("two members of two partitions each", async () => {
      const group = await groupState(groupId);
      const sizes = group.members.map((m) => (m.assignment[topic] ?? []).length);
      return group.state === "Stable" && sizes.join() === "2,2";
    });
    const members = (await groupState(groupId)).members;
    const kafkajsPartitions = new Set(members.find((m) => m.memberId.startsWith("kafka-"))?.assignment[topic]);
    const sdkPartitions = new Set(members.find((m) => !m.memberId.startsWith("kafka-"))?.assignment[topic]);
    expect([...kafkajsPartitions, ...sdkPartitions].sort()).toEqual([0, 1, 2, 3]);
    const before = new Map([...seen.kafkajs].map(([p, offsets]) => [p, offsets.size]));
    await produceKeyed(topic, 200, 200);
    const union = () =>
      new Set(
        (["kafkajs", "sdk"] as const).flatMap((who) =>
          [...seen[who]].flatMap(([p, offsets]) => [...offsets].map((o) => `${p}:${o}`)),
        ),
      );
    await until("every record read", () => union().size === 400);
    // Both members' commits went to the one coordinator: every partition to its end.
    await until("every partition committed to its end", async () => {
      const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body.offsets as {
        partition: number;
        offset: number;
        highWatermark: number;
      }[];
      return [0, 1, 2, 3].every((p) => offsets.some((o) => o.partition === p && o.offset === o.highWatermark));
    });
    // After the split, each read only its own partitions' new records.
    for (const p of sdkPartitions) expect(seen.kafkajs.get(p)?.size ?? 0).toBe(before.get(p) ?? 0);
    for (const p of kafkajsPartitions) expect(seen.sdk.get(p)?.size ?? 0).toBe(0);
    const total = (m: Map<number, Set<string>>) => [...m.values()].reduce((sum, s) => sum + s.size, 0);
    console.log(`mixed group: kafkajs read ${total(seen.kafkajs)}, the SDK ${total(seen.sdk)}`);
    await Promise.all([kafkajsMember.disconnect(), sdkMember.disconnect()]);
  });
});
