import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from "../../src/protocol/topic.js";
import { jsonRecord, leaderReplica, produceRequest } from "./replica-helpers.js";

const catalog = () => env.CATALOG.get(env.CATALOG.idFromName("catalog"));
let n = 0;
const topicName = () => `compact-config-${n++}-${crypto.randomUUID().slice(0, 6)}`;

async function created(config: Partial<TopicConfig>) {
  const name = topicName();
  const result = await catalog().createTopic(name, 1, { ...DEFAULT_TOPIC_CONFIG, ...config });
  if (!result.ok) throw new Error(result.error.message);
  return { name, metadata: result.metadata };
}

describe("compaction config", () => {
  it("is kept, described and pushed to replicas; cleanupPolicy changes only between compacting policies", async () => {
    const { name, metadata } = await created({ cleanupPolicy: "compact", minCompactionLagMs: 1_000 });
    expect(metadata.config).toMatchObject({
      cleanupPolicy: "compact",
      minCompactionLagMs: 1_000,
      maxCompactionLagMs: -1,
      deleteRetentionMs: 86_400_000,
      minCleanableDirtyRatio: 0.5,
    });
    expect(
      await catalog().alterConfig(name, { cleanupPolicy: "compact,delete", minCleanableDirtyRatio: 0.1 }),
    ).toMatchObject({
      ok: true,
      metadata: { config: { cleanupPolicy: "compact,delete", minCleanableDirtyRatio: 0.1 } },
    });
    expect(await catalog().alterConfig(name, { cleanupPolicy: "delete" })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CONFIG" },
    });
    expect(await catalog().alterConfig(name, { maxCompactionLagMs: 10 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CONFIG" },
    });
    const plain = await created({});
    expect(await catalog().alterConfig(plain.name, { cleanupPolicy: "compact" })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CONFIG" },
    });
    const described = await env.CONTROLLER.get(env.CONTROLLER.idFromName(`controller/${metadata.topicId}`)).describe();
    expect(described).toMatchObject({ ok: true, description: { config: { cleanupPolicy: "compact,delete" } } });
  });

  it("a compacted replica refuses a batch with a keyless record and appends nothing", async () => {
    const { stub } = await leaderReplica({ cleanupPolicy: "compact" });
    const keyless = await stub.produce(
      produceRequest({
        acks: "1",
        producer: null,
        format: "json",
        records: [jsonRecord(1, { key: "a" }), jsonRecord(2)],
      }),
    );
    expect(keyless).toMatchObject({ ok: false, error: { code: "INVALID_RECORD" } });
    const keyed = await stub.produce(
      produceRequest({ acks: "1", producer: null, format: "json", records: [jsonRecord(1, { key: "a" })] }),
    );
    expect(keyed).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 0 });
  });
});
