import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("assigns", async () => {
    const stub = env.REPLICA.get(env.REPLICA.idFromName("t/0/0"));
    const r = await stub.assign({
      topicId: "t",
      partition: 0,
      replica: 0,
      role: "leader",
      leaderEpoch: 0,
      config: { retentionMs: -1, retentionBytes: -1 },
    });
    expect(r.ok).toBe(true);
  });
});
