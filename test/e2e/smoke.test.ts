import { expect, it } from "vitest";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";

it("creates a topic, produces and fetches back", async () => {
  const topic = uniqueTopic("smoke");
  await createTopic(topic, 1);
  const produced = await produce(topic, [{ key: "k", value: { a: 1 } }]);
  expect(produced.status).toBe(200);
  const fetched = await fetchRecords(topic, 0, "offset=0");
  expect(fetched.body.records[0]).toMatchObject({ offset: 0, key: "k", value: { a: 1 } });
  expect((await call("GET", "/v1/health")).body.status).toBe("ok");
});
