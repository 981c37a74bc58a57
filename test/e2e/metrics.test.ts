// GET /metrics in Prometheus text format, parsed with a real Prometheus text parser.

import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";

const require = createRequire(import.meta.url);
const parse = require("parse-prometheus-text-format") as (text: string) => {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[];
}[];

it("exposes per-partition, per-topic, per-group and per-route metrics", async () => {
  const topic = uniqueTopic("metrics");
  await createTopic(topic, 2);
  await produce(topic, [
    { value: "a", partition: 0 },
    { value: "b", partition: 0 },
    { value: "c", partition: 1 },
  ]);
  await fetchRecords(topic, 0, "offset=0");
  const group = uniqueTopic("metrics-group");
  const joined = await call("POST", `/v1/groups/${group}/heartbeat`, { memberEpoch: 0, topics: [topic] });
  await call("POST", `/v1/groups/${group}/offsets`, {
    memberId: joined.body.memberId,
    memberEpoch: joined.body.memberEpoch,
    offsets: [{ topic, partition: 0, offset: 1 }],
  });

  const reply = await call("GET", "/metrics");
  expect(reply.status).toBe(200);
  expect(String(reply.headers["content-type"])).toContain("text/plain");
  const families = new Map(parse(reply.body as string).map((f) => [f.name, f]));
  const sample = (name: string, labels: Record<string, string>) =>
    families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  const value = (name: string, labels: Record<string, string>) => Number(sample(name, labels)?.value);

  expect(families.get("edgelog_records_in_total")?.type).toBe("COUNTER");
  expect(value("edgelog_records_in_total", { topic, partition: "0" })).toBe(2);
  expect(value("edgelog_records_in_total", { topic, partition: "1" })).toBe(1);
  expect(value("edgelog_records_out_total", { topic, partition: "0" })).toBe(2);
  expect(value("edgelog_bytes_in_total", { topic, partition: "0" })).toBe(6);
  expect(value("edgelog_high_watermark", { topic, partition: "0" })).toBe(2);
  expect(value("edgelog_sqlite_rows_written_total", { topic, partition: "0" })).toBeGreaterThanOrEqual(1);
  expect(value("edgelog_sqlite_rows_read_total", { topic, partition: "0" })).toBeGreaterThanOrEqual(1);
  expect(value("edgelog_do_requests_total", { topic, partition: "0" })).toBeGreaterThanOrEqual(2);
  expect(value("edgelog_elections_total", { topic })).toBe(0);
  expect(value("edgelog_isr_shrinks_total", { topic })).toBe(0);
  expect(value("edgelog_consumer_lag", { group, topic, partition: "0" })).toBe(1);
  expect(value("edgelog_group_rebalances_total", { group })).toBeGreaterThanOrEqual(1);
  const latency = families.get("edgelog_http_request_duration_seconds");
  expect(latency?.type).toBe("HISTOGRAM");
  // This parser folds a labelled histogram's series into one; its buckets still parse.
  expect(Number(latency?.metrics[0]?.buckets?.["+Inf"])).toBeGreaterThanOrEqual(1);
  expect(reply.body).toContain('edgelog_http_request_duration_seconds_count{route="/v1/topics/:topic/records"}');
  expect(
    value("edgelog_http_requests_total", { route: "/v1/topics/:topic/records", method: "POST", status: "200" }),
  ).toBeGreaterThanOrEqual(1);
});
