// Type-checked by tsc against the installed package's .d.ts (never run): the typed
// API, and mistakes the types must catch.

import { Edgelog, EdgelogProtocolError, type KafkaMessage } from "@edgelog/client";
import { type EachMessagePayload, Kafka, KafkaJSProtocolError, logLevel } from "@edgelog/client/kafkajs";

const edgelog = new Edgelog({ url: "http://127.0.0.1:8787" });

export async function offsets(): Promise<number[]> {
  const sent = await edgelog
    .producer({ lingerMs: 5 })
    .send({ topic: "orders", messages: [{ key: "k", value: { n: 1 } }] });
  // @ts-expect-error: a topic is a string
  await edgelog.producer().send({ topic: 1, messages: [] });
  return sent.map((m) => m.offset);
}

export const kafka = new Kafka({ brokers: ["http://127.0.0.1:8787"], clientId: "app", logLevel: logLevel.WARN });

export const handler = async ({ message }: EachMessagePayload): Promise<string | undefined> => {
  // @ts-expect-error: kafkajs offsets are strings
  const offset: number = message.offset;
  return `${offset}${message.value?.toString()}`;
};

export function codeOf(error: unknown): string | null {
  if (error instanceof KafkaJSProtocolError) return error.type;
  if (error instanceof EdgelogProtocolError) return error.code;
  return null;
}

export const timestampOf = (message: KafkaMessage): number => message.timestamp;
