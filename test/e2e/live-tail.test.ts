// Live tail over Server-Sent Events: records arrive as produced, each event's id its
// offset; a reconnect with Last-Event-ID resumes with no gap and no duplicate.

import { expect, it } from "vitest";
import { baseUrl, call, createTopic, produce, uniqueTopic } from "./http.js";
import { recordText } from "./read-paths.js";
import { readEvents } from "./sse.js";

it("streams records as they are produced and resumes from Last-Event-ID without gap or duplicate", async () => {
  const topic = uniqueTopic("tail");
  await createTopic(topic, 1);
  await produce(topic, [{ value: "r0" }, { value: "r1" }]);
  const url = `${baseUrl()}/v1/topics/${topic}/partitions/0/records?offset=0`;
  const first = await readEvents(url, {}, 3, async () => {
    await produce(topic, [{ value: "r2" }, { value: "r3" }]);
  });
  expect(first.slice(0, 3).map((e) => e.id)).toEqual(["0", "1", "2"]);
  expect(first.slice(0, 3).map((e) => JSON.parse(e.data!).value)).toEqual(["r0", "r1", "r2"]);
  // The connection dropped after offset 2: the browser reconnects with its last id.
  const resumed = await readEvents(url, { "last-event-id": "2" }, 2, async () => {
    await produce(topic, [{ value: "r4" }]);
  });
  expect(resumed.map((e) => e.id)).toEqual(["3", "4"]);
  expect(resumed.map((e) => JSON.parse(e.data!).value)).toEqual(["r3", "r4"]);
});

it("streams each record as the fetch route returns it, byte for byte (an integer over 2^53 included)", async () => {
  const topic = uniqueTopic("tail-exact");
  await createTopic(topic, 1);
  const values = [`{"n":12345678901234567890}`, `[-0,1e400,{"x":"}\\"{"}]`, "9007199254740993"];
  const body = `{"records":[${values.map((v) => `{"key":"k","value":${v}}`).join(",")}]}`;
  const url = `${baseUrl()}/v1/topics/${topic}/partitions/0/records?offset=0`;
  // Produced while the stream waits, so the records reach it through the long-poll.
  const events = await readEvents(url, {}, values.length, async () => {
    const reply = await call("POST", `/v1/topics/${topic}/records`, body);
    expect(reply.status, reply.text).toBe(200);
  });
  const fetched = await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=0`);
  const records = JSON.parse(fetched.text).records as { timestamp: number }[];
  const expected = values.map((v, i) => recordText(i, records[i]!.timestamp, "k", v));
  expect(fetched.text.slice(0, `{"records":[${expected.join(",")}]`.length)).toBe(`{"records":[${expected.join(",")}]`);
  expect(events.map((e) => e.data)).toEqual(expected);
});
