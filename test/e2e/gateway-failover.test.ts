// Fault: the gateway a kafkajs producer and consumer use is killed mid-stream; they
// reconnect through a second gateway in front of the same Edgelog, and no acknowledged
// record is lost (the idempotent producer's retries land once).

import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { startTestGateway } from "./gateway.js";
import { createTopic, fetchAll, uniqueTopic } from "./http.js";

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");

it("a producer and a consumer group carry on through a second gateway when the first dies", async () => {
  const first = await startTestGateway();
  const second = await startTestGateway();
  const topic = uniqueTopic("gw-failover");
  const groupId = uniqueTopic("gw-failover-g");
  await createTopic(topic, 3);
  const kafka = new Kafka({
    clientId: "failover",
    brokers: [first.broker, second.broker],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 300, sessionTimeout: 10_000, maxWaitTimeInMs: 300 });
  const consumed = new Set<string>();
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(String(message.value)) });
    const acknowledged: string[] = [];
    let killed: Promise<void> | null = null;
    for (let batch = 0; batch < 20; batch++) {
      const messages = Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: `b${batch}-m${i}` }));
      const sending = producer.send({ topic, acks: -1, messages });
      // Killed while this batch is in flight: its outcome is unknown to the producer, which retries.
      if (batch === 8) killed = first.close();
      await sending;
      acknowledged.push(...messages.map((m) => m.value));
    }
    await killed;
    const stored = (await Promise.all([0, 1, 2].map((p) => fetchAll<{ value: string }>(topic, p)))).flat();
    const values = stored.map((r) => Buffer.from(r.value, "base64").toString());
    expect(new Set(values)).toEqual(new Set(acknowledged));
    expect(values).toHaveLength(acknowledged.length);
    const deadline = Date.now() + 45_000;
    while (consumed.size < acknowledged.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(consumed.size).toBe(acknowledged.length);
    console.log(`failover: ${acknowledged.length} acknowledged, ${values.length} stored, ${consumed.size} consumed`);
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await Promise.allSettled([first.close(), second.close()]);
  }
});
