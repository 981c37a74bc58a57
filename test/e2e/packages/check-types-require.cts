// Type-checked by tsc as a CommonJS module (never run): require() users get the
// CommonJS declarations.

import { Edgelog } from "@edgelog/client";
import { Kafka, KafkaJSError } from "@edgelog/client/kafkajs";

export const edgelog = new Edgelog({ url: "http://127.0.0.1:8787" });
export const kafka = new Kafka({ brokers: ["http://127.0.0.1:8787"] });
export const retriable = (error: unknown): boolean => error instanceof KafkaJSError && error.retriable;
// @ts-expect-error: brokers is a list
export const wrong = new Kafka({ brokers: "http://127.0.0.1:8787" });
