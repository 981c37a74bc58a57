// Live tail over Server-Sent Events: records arrive as produced, each event's id its
// offset; a reconnect with Last-Event-ID resumes with no gap and no duplicate.

import { expect, it } from "vitest";
import { baseUrl, createTopic, produce, uniqueTopic } from "./http.js";
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
