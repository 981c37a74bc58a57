// kafkajs messages to Edgelog's and back: values travel as bytes, header values must
// be one UTF-8 text each, timestamps are ms strings; consumed values are bytes whose
// toString() is their text, and JSON records read as their JSON text.

import { expect, it } from "vitest";
import { edgelogConfig } from "../../src/client/kafkajs/config.js";
import { KafkaJSNonRetriableError } from "../../src/client/kafkajs/errors.js";
import { createLogger, type LogEntry, logLevel } from "../../src/client/kafkajs/logger.js";
import { toEdgelogMessage, toKafkaMessage } from "../../src/client/kafkajs/messages.js";

const bytes = (text: string) => new TextEncoder().encode(text);

it("sends values as bytes and keeps keys, text headers, partition and timestamp", () => {
  const message = toEdgelogMessage({
    key: "alice",
    value: "hello",
    partition: 2,
    headers: { a: "x", b: bytes("y"), skipped: undefined },
    timestamp: "1700000000000",
  });
  expect(message).toEqual({
    key: "alice",
    value: bytes("hello"),
    partition: 2,
    headers: { a: "x", b: "y" },
    timestamp: 1700000000000,
  });
  expect(toEdgelogMessage({ value: null })).toEqual({ key: null, value: null });
});

it("refuses headers Edgelog cannot keep and timestamps that are not ms", () => {
  expect(() => toEdgelogMessage({ value: "v", headers: { many: ["a", "b"] } })).toThrow(/one value per header/);
  expect(() => toEdgelogMessage({ value: "v", headers: { bin: new Uint8Array([0xff, 0xfe]) } })).toThrow(/not UTF-8/);
  expect(() => toEdgelogMessage({ value: "v", timestamp: "yesterday" })).toThrow(KafkaJSNonRetriableError);
});

it("hands consumed records over as kafkajs does", () => {
  const base = { topic: "t", partition: 0, offset: 41, timestamp: 1700000000000, headers: { h: "v" } };
  const binary = toKafkaMessage({ ...base, key: bytes("k"), value: new Uint8Array([0, 255]) });
  expect(binary).toMatchObject({ offset: "41", timestamp: "1700000000000", attributes: 0 });
  expect([...binary.value!]).toEqual([0, 255]);
  expect(binary.key!.toString()).toBe("k");
  expect(binary.headers.h!.toString()).toBe("v");
  const json = toKafkaMessage({ ...base, key: "alice", value: { total: 42 } });
  expect(json.value!.toString()).toBe('{"total":42}');
  expect(toKafkaMessage({ ...base, key: null, value: null })).toMatchObject({ key: null, value: null });
});

it("maps brokers and SASL to Edgelog's URL and token, refusing other mechanisms", () => {
  const logger = createLogger(logLevel.NOTHING);
  expect(edgelogConfig({ brokers: ["http://edgelog.example/"], token: "t" }, logger)).toMatchObject({
    url: "http://edgelog.example",
    token: "t",
  });
  expect(
    edgelogConfig({ brokers: ["127.0.0.1:9094"], ssl: true, sasl: { mechanism: "plain", password: "p" } }, logger),
  ).toMatchObject({ url: "https://127.0.0.1:9094", token: "p" });
  expect(() => edgelogConfig({ brokers: [], clientId: "x" }, logger)).toThrow(/brokers must list/);
  expect(() => edgelogConfig({ brokers: ["h:1"], sasl: { mechanism: "aws" } as never }, logger)).toThrow(
    /SASL mechanism aws/,
  );
});

it("logs at or above the level, and setLogLevel changes it for every namespace", () => {
  const entries: LogEntry[] = [];
  const root = createLogger(logLevel.WARN, () => (entry) => entries.push(entry));
  const consumer = root.namespace("Consumer");
  consumer.info("hidden");
  consumer.warn("shown", { groupId: "g" });
  root.setLogLevel(logLevel.DEBUG);
  consumer.debug("now shown");
  expect(entries.map((e) => [e.namespace, e.label, e.log.message, e.log.groupId])).toEqual([
    ["Consumer", "WARN", "shown", "g"],
    ["Consumer", "DEBUG", "now shown", undefined],
  ]);
});
