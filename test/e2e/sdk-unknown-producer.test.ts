// The SDK's idempotent producer when the server no longer knows its producerId for
// this caller (UNKNOWN_PRODUCER_ID): here, an id issued while auth was off, after a
// restart with auth on. The batch, refused before anything was appended, goes again
// under a new producerId, and the log holds each record once.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { type Cluster, startWranglerDev } from "../../scripts/wrangler-dev.mjs";
import { Edgelog } from "../../src/client/index.js";
import { call } from "./http.js";

const ROOT = "root-secret-for-sdk-unknown-producer";
const TOPIC = "orders";

it("gets a new producerId when the server answers UNKNOWN_PRODUCER_ID", { timeout: 120_000 }, async () => {
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-unknown-producer-"));
  const start = async (vars: Record<string, string>) => await startWranglerDev({ persistTo, vars });
  let cluster: Cluster | null = null;
  try {
    cluster = await start({ EDGELOG_AUTH: "off" });
    // One client across both clusters: its requests go to whichever is running.
    const edgelog = new Edgelog({
      url: "http://edgelog.test",
      token: ROOT,
      fetch: (input, init) => fetch(input.replace("http://edgelog.test", cluster!.url), init),
    });
    await edgelog.admin().createTopic(TOPIC, { partitions: 1 });
    const producer = edgelog.producer({ lingerMs: 1 });
    await producer.send({ topic: TOPIC, messages: [{ value: "before" }] });
    const before = producer.identity!;

    await cluster.stop();
    cluster = await start({ EDGELOG_ADMIN_TOKEN: ROOT });
    const [after] = await producer.send({ topic: TOPIC, messages: [{ value: "after" }] });
    expect(after).toMatchObject({ partition: 0, offset: 1 });
    expect(producer.identity!.producerId).not.toBe(before.producerId);
    expect(producer.identity!.producerEpoch).toBe(0);
    await producer.disconnect();

    const fetched = await call(
      "GET",
      `/v1/topics/${TOPIC}/partitions/0/records?offset=0`,
      undefined,
      { authorization: `Bearer ${ROOT}` },
      cluster.url,
    );
    expect(fetched.body.records.map((r: { value: string }) => r.value)).toEqual(["before", "after"]);
  } finally {
    await cluster?.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
});
