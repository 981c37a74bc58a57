// The SDK is fetch-only, so it runs unchanged in Deno: bundled as it would be for any
// runtime, then driven by a real Deno (the npm package `deno`) against the run's
// wrangler dev: admin, idempotent producer, group consumer and the live tail.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseUrl, uniqueTopic } from "./http.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const DENO = join(root, "node_modules/.bin/deno");

const SCRIPT = `
import { Edgelog } from "./edgelog-sdk.mjs";
const [url, topic] = Deno.args;
const edgelog = new Edgelog({ url });
await edgelog.admin().createTopic(topic, { partitions: 2 });
const producer = edgelog.producer();
const sent = await producer.send({
  topic,
  messages: Array.from({ length: 20 }, (_, i) => ({ key: "k" + (i % 4), value: { i }, partition: 0 })),
});
await producer.disconnect();
const stop = new AbortController();
const tailed = [];
for await (const message of edgelog.consumer({ groupId: "deno" }).stream({ topic, partition: 0, fromOffset: "earliest", signal: stop.signal })) {
  tailed.push(message.value.i);
  if (tailed.length === 20) stop.abort();
}
const consumer = edgelog.consumer({ groupId: topic + "-group", maxWaitMs: 500 });
await consumer.subscribe({ topics: [topic], fromBeginning: true });
const consumed = [];
for await (const message of consumer) {
  consumed.push(message.value.i);
  if (consumed.length === 20) break;
}
await consumer.disconnect();
const lag = (await edgelog.admin().describeGroup(topic + "-group")).lag;
console.log(JSON.stringify({ runtime: "deno " + Deno.version.deno, offsets: sent.map((m) => m.offset), tailed, consumed, lag }));
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgelog-deno-"));
  await build({
    entryPoints: [join(root, "src/client/index.ts")],
    outfile: join(dir, "edgelog-sdk.mjs"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    logLevel: "warning",
  });
  await writeFile(join(dir, "main.mjs"), SCRIPT);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("produces, tails and consumes from Deno", async () => {
  const topic = uniqueTopic("deno");
  const { stdout } = await run(
    DENO,
    ["run", "--no-prompt", "--allow-net=127.0.0.1", join(dir, "main.mjs"), baseUrl(), topic],
    { cwd: dir, timeout: 50_000, env: { ...process.env, DENO_DIR: join(dir, "cache"), DENO_NO_UPDATE_CHECK: "1" } },
  );
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
  const all = Array.from({ length: 20 }, (_, i) => i);
  expect(result.runtime).toMatch(/^deno 2\./);
  expect(result.offsets).toEqual(all);
  expect(result.tailed).toEqual(all);
  expect(result.consumed).toEqual(all);
  // A message counts as processed once the loop asks for the next: the loop broke
  // after the 20th, so the commit covers 19 of them (at-least-once).
  expect(result.lag).toBe(1);
});
