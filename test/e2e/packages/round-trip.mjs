// A user's program, written once and run in Node, Deno, Chromium and a Worker by
// test/e2e/packages.test.ts: @edgelog/client's own API (admin, idempotent producer,
// group consumer) and its kafkajs-compatible API, as installed from the tarball.

import { Edgelog, EdgelogProtocolError } from "@edgelog/client";
import { Kafka } from "@edgelog/client/kafkajs";

const COUNT = 10;

export async function roundTrip({ url, topic, fetch }) {
  const edgelog = new Edgelog(fetch ? { url, fetch } : { url });
  const admin = edgelog.admin();
  await admin.createTopic(topic, { partitions: 2 });
  const producer = edgelog.producer();
  const messages = Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: { i } }));
  const sent = await producer.send({ topic, messages });
  await producer.disconnect();

  const consumer = edgelog.consumer({ groupId: `${topic}-group`, maxWaitMs: 500 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const consumed = [];
  for await (const message of consumer) {
    consumed.push(message.value.i);
    if (consumed.length === COUNT) break;
  }
  await consumer.disconnect();

  let refused = null;
  try {
    await admin.createTopic(topic);
  } catch (error) {
    refused = error instanceof EdgelogProtocolError ? error.code : String(error);
  }
  return {
    partitions: [...new Set(sent.map((m) => m.partition))].sort(),
    consumed: consumed.sort((a, b) => a - b),
    refused,
    kafkajs: await kafkajsRoundTrip({ url, topic: `${topic}-kafkajs`, fetch }),
  };
}

/** kafkajs' way: the topic is created by the first send, values come back as bytes. */
async function kafkajsRoundTrip({ url, topic, fetch }) {
  const kafka = new Kafka({ brokers: [url], clientId: "round-trip", logLevel: 1, ...(fetch ? { fetch } : {}) });
  const producer = kafka.producer();
  await producer.connect();
  const [sent] = await producer.send({ topic, messages: ["a", "b", "c"].map((value) => ({ key: "k", value })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const values = [];
  let bytes = "";
  const done = new Promise((resolve) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        bytes = message.value.constructor.name;
        values.push(`${message.offset}:${message.key.toString()}=${message.value.toString()}`);
        if (values.length === 3) resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();
  const offsets = await kafka.admin().fetchTopicOffsets(topic);
  return { baseOffset: sent.baseOffset, values, bytes, high: offsets.map((o) => o.high) };
}
