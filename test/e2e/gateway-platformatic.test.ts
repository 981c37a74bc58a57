// @platformatic/kafka 1.35.0 over TCP through the gateway. It speaks only flexible
// versions (Metadata v9, Fetch v12, FindCoordinator v4, JoinGroup v6+, OffsetFetch v8,
// CreateTopics v7, ...): its admin creates and deletes a topic, an idempotent producer
// sends lz4-compressed records, and two members of one classic group split the
// partitions, read every record and commit offsets Edgelog's HTTP API shows.

import {
  Admin,
  Consumer,
  type Message,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./gateway.js";
import { call, fetchAll, uniqueTopic } from "./http.js";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

function options(clientId: string) {
  return { clientId, bootstrapBrokers: [gateway.broker], retries: 3, retryDelay: 250 };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("@platformatic/kafka through the gateway", () => {
  it("admin: creates a topic (described in the answer), reads its metadata, deletes it", async () => {
    const admin = new Admin(options("plt-admin"));
    try {
      const topic = uniqueTopic("plt-admin");
      const created = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
      expect(created).toMatchObject([{ name: topic, partitions: 3 }]);
      const described = await call("GET", `/v1/topics/${topic}`);
      expect(described.body.partitions).toHaveLength(3);
      const metadata = await admin.metadata({ topics: [topic] });
      expect(metadata.topics.get(topic)?.partitionsCount).toBe(3);
      await admin.deleteTopics({ topics: [topic] });
      expect((await call("GET", `/v1/topics/${topic}`)).status).toBe(404);
    } finally {
      await admin.close();
    }
  });

  it("an idempotent lz4 producer, and two group members that split the partitions and commit", async () => {
    const topic = uniqueTopic("plt-group");
    const groupId = uniqueTopic("plt-g");
    const admin = new Admin(options("plt-admin2"));
    await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
    await admin.close();

    const producer = new Producer({
      ...options("plt-producer"),
      serializers: stringSerializers,
      idempotent: true,
      compression: "lz4",
    });
    const sent: string[] = [];
    try {
      for (let batch = 0; batch < 4; batch++) {
        const messages = Array.from({ length: 25 }, (_, i) => {
          const n = batch * 25 + i;
          sent.push(`v${n}`);
          return { topic, partition: n % 4, key: `k${n}`, value: `v${n}`, headers: { n: String(n) } };
        });
        await producer.send({ messages, acks: -1 });
      }
    } finally {
      await producer.close();
    }
    const stored = (await Promise.all([0, 1, 2, 3].map((p) => fetchAll<{ value: string }>(topic, p)))).flat();
    expect(stored.map((r) => Buffer.from(r.value, "base64").toString()).sort()).toEqual([...sent].sort());

    const received = new Map<string, string>();
    const consumers = ["a", "b"].map(
      (name) =>
        new Consumer({
          ...options(`plt-consumer-${name}`),
          groupId,
          deserializers: stringDeserializers,
          sessionTimeout: 10_000,
          heartbeatInterval: 500,
          maxWaitTime: 500,
        }),
    );
    const last = new Map<string, Message<string, string, string, string>>();
    try {
      for (const [index, consumer] of consumers.entries()) {
        const stream = await consumer.consume({
          topics: [topic],
          mode: MessagesStreamModes.EARLIEST,
          autocommit: false,
        });
        stream.on("data", (message: Message<string, string, string, string>) => {
          received.set(message.value, `${index}`);
          last.set(`${message.partition}`, message);
        });
      }
      await until("both members to own partitions", async () => {
        const group = (await call("GET", `/v1/groups/${groupId}`)).body as {
          members?: { assignment: Record<string, number[]> }[];
        };
        const owned = (group.members ?? []).map((m) => (m.assignment[topic] ?? []).length);
        return owned.length === 2 && owned.every((n) => n > 0);
      });
      await until("every record", () => received.size === sent.length);
      const listing = new Admin(options("plt-admin3"));
      try {
        const groups = await listing.listGroups();
        expect(groups.get(groupId)).toMatchObject({ id: groupId, protocolType: "consumer" });
      } finally {
        await listing.close();
      }
      expect([...received.keys()].sort()).toEqual([...sent].sort());
      for (const message of last.values()) await message.commit();
      await until("the commits", async () => {
        const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body as {
          offsets: { topic: string; partition: number; offset: number }[];
        };
        return offsets.offsets.filter((o) => o.topic === topic).length === last.size;
      });
      const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body as {
        offsets: { partition: number; offset: number }[];
      };
      for (const o of offsets.offsets) expect(o.offset).toBe(Number(last.get(`${o.partition}`)?.offset) + 1);
      const committed = await consumers[0]?.listCommittedOffsets({
        topics: [{ topic, partitions: [0, 1, 2, 3] }],
      });
      expect(committed?.get(topic)?.map(Number)).toEqual([0, 1, 2, 3].map((p) => Number(last.get(`${p}`)?.offset) + 1));
    } finally {
      await Promise.all(consumers.map((c) => c.close(true)));
    }
  });
});
