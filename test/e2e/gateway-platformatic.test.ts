// @platformatic/kafka 1.35.0 over TCP through the gateway. It speaks only flexible
// versions (Metadata v12, Fetch v12, FindCoordinator v4, JoinGroup v9, OffsetFetch v8,
// CreateTopics v7, ...): its admin creates and deletes a topic, idempotent producers
// send lz4- and snappy-compressed records, and two members of one group split the
// partitions, read every record and commit offsets Edgelog's HTTP API shows: classic
// members (JoinGroup, SyncGroup, Heartbeat) and KIP-848 ones (ConsumerGroupHeartbeat).

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

  it("an idempotent lz4 producer, and two classic group members that split the partitions and commit", async () => {
    const topic = await filledTopic("plt-classic", "lz4");
    await twoMembersReadAndCommit(topic, {});
  });

  it("KIP-848 members (ConsumerGroupHeartbeat) split the partitions and commit; a snappy producer", async () => {
    const topic = await filledTopic("plt-848", "snappy");
    await twoMembersReadAndCommit(topic, { groupProtocol: "consumer" });
  });
});

const PARTITIONS = 4;
const RECORDS = 100;

/** A topic holding RECORDS records `v0`..`v99` from an idempotent producer, checked over HTTP. */
async function filledTopic(prefix: string, compression: "lz4" | "snappy"): Promise<string> {
  const topic = uniqueTopic(prefix);
  const admin = new Admin(options(`${prefix}-admin`));
  try {
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  } finally {
    await admin.close();
  }
  const producer = new Producer({
    ...options(`${prefix}-producer`),
    serializers: stringSerializers,
    idempotent: true,
    compression,
  });
  try {
    for (let batch = 0; batch < 4; batch++) {
      const messages = Array.from({ length: RECORDS / 4 }, (_, i) => {
        const n = batch * (RECORDS / 4) + i;
        return { topic, partition: n % PARTITIONS, key: `k${n}`, value: `v${n}`, headers: { n: String(n) } };
      });
      await producer.send({ messages, acks: -1 });
    }
  } finally {
    await producer.close();
  }
  const stored = (await Promise.all([0, 1, 2, 3].map((p) => fetchAll<{ value: string }>(topic, p)))).flat();
  expect(stored.map((r) => Buffer.from(r.value, "base64").toString()).sort()).toEqual(sentValues());
  return topic;
}

function sentValues(): string[] {
  return Array.from({ length: RECORDS }, (_, n) => `v${n}`).sort();
}

/** Two members of a new group, both owning partitions (as Edgelog's coordinator
 * shows), read every record; the last one of each partition is committed, and the
 * commit is on GET /v1/groups/{g}/offsets and OffsetFetch alike. */
async function twoMembersReadAndCommit(topic: string, group: { groupProtocol?: "consumer" }): Promise<void> {
  const groupId = uniqueTopic("plt-g");
  const received = new Set<string>();
  const last = new Map<number, Message<string, string, string, string>>();
  const consumers = ["a", "b"].map(
    (name) =>
      new Consumer({
        ...options(`plt-consumer-${name}`),
        ...group,
        groupId,
        deserializers: stringDeserializers,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
        maxWaitTime: 500,
      }),
  );
  try {
    for (const consumer of consumers) {
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
      stream.on("data", (message: Message<string, string, string, string>) => {
        received.add(message.value);
        last.set(message.partition, message);
      });
    }
    await until("both members to own partitions", async () => {
      const described = (await call("GET", `/v1/groups/${groupId}`)).body as {
        members?: { assignment: Record<string, number[]> }[];
      };
      const owned = (described.members ?? []).map((m) => (m.assignment[topic] ?? []).length);
      return owned.length === 2 && owned.every((n) => n > 0);
    });
    await until("every record", () => received.size === RECORDS);
    expect([...received].sort()).toEqual(sentValues());
    const listing = new Admin(options("plt-lister"));
    try {
      expect((await listing.listGroups()).get(groupId)).toMatchObject({ id: groupId, protocolType: "consumer" });
    } finally {
      await listing.close();
    }
    await until("the last record of every partition", () => last.size === PARTITIONS);
    for (const message of last.values()) await message.commit();
    const expected = [0, 1, 2, 3].map((p) => Number(last.get(p)?.offset) + 1);
    const offsets = (await call("GET", `/v1/groups/${groupId}/offsets`)).body as {
      offsets: { topic: string; partition: number; offset: number }[];
    };
    expect(offsets.offsets.sort((a, b) => a.partition - b.partition).map((o) => o.offset)).toEqual(expected);
    const committed = await consumers[0]?.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2, 3] }] });
    expect(committed?.get(topic)?.map(Number)).toEqual(expected);
  } finally {
    await Promise.all(consumers.map((c) => c.close(true)));
  }
}
