// The producerIds the catalog issued: a router checks produce against them, asks the
// catalog again when an epoch is above what it cached, and legacy or revoked ones
// are usable by no principal.

import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IssuedProducers, tokenOwner } from "../../src/catalog/issued-producers.js";
import { DEFAULT_TOPIC_CONFIG } from "../../src/protocol/topic.js";

const catalog = () => env.CATALOG.get(env.CATALOG.idFromName("catalog"));

async function post(path: string, body: unknown): Promise<{ status: number; body: { error?: { code: string } } }> {
  const reply = await exports.default.fetch(`http://edgelog.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: reply.status, body: await reply.json() };
}

describe("issued producerIds", () => {
  it("accepts an epoch bumped behind the router's back once the catalog confirms it", async () => {
    const topic = `producer-ids-${crypto.randomUUID().slice(0, 8)}`;
    const created = await catalog().createTopic(topic, 1, DEFAULT_TOPIC_CONFIG);
    expect(created.ok).toBe(true);
    const issued = (await post("/v1/producers", {})).body as unknown as { producerId: number };
    const route = `/v1/topics/${topic}/partitions/0/records`;
    const batch = (producerEpoch: number, value: string) => ({
      producerId: issued.producerId,
      producerEpoch,
      baseSequence: 0,
      records: [{ value }],
    });
    expect((await post(route, batch(0, "a"))).status).toBe(200);
    // As another router isolate would: straight to the catalog, unseen by this one.
    expect(await catalog().initProducer({ producerId: issued.producerId, producerEpoch: 0 }, null)).toMatchObject({
      ok: true,
      producerEpoch: 1,
    });
    expect((await post(route, batch(1, "b"))).status).toBe(200);
    const forged = await post(route, batch(2, "forged"));
    expect(forged.status).toBe(409);
    expect(forged.body.error?.code).toBe("INVALID_PRODUCER_EPOCH");
  });

  it("deletes a revoked token's producerIds with it", async () => {
    const token = await catalog().createToken("revoked", ["produce:*"]);
    if (!token.ok) throw new Error(token.error.message);
    const issued = await catalog().initProducer(null, tokenOwner(token.id));
    if (!issued.ok) throw new Error(issued.error.message);
    expect(await catalog().producerRecord(issued.producerId)).toEqual({
      producerEpoch: 0,
      owner: tokenOwner(token.id),
    });
    expect(await catalog().deleteToken(token.id)).toEqual({ ok: true });
    expect(await catalog().producerRecord(issued.producerId)).toBeNull();
  });

  it("gives producerIds of a catalog from before owners to no principal while auth is on", async () => {
    const legacy = env.CATALOG.get(env.CATALOG.idFromName(`legacy-${crypto.randomUUID()}`));
    const outcome = await runInDurableObject(legacy, (_, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE producers");
      sql.exec("CREATE TABLE producers (producer_id INTEGER PRIMARY KEY, producer_epoch INTEGER NOT NULL)");
      sql.exec("INSERT INTO producers (producer_id, producer_epoch) VALUES (42, 3)");
      const producers = new IssuedProducers(sql);
      return {
        record: producers.lookup(42),
        byRoot: producers.bump(42, 3, "root"),
        withAuthOff: producers.bump(42, 3, null),
      };
    });
    expect(outcome.record).toEqual({ producerEpoch: 3, owner: null });
    expect(outcome.byRoot).toMatchObject({ ok: false, error: { code: "UNKNOWN_PRODUCER_ID" } });
    expect(outcome.withAuthOff).toMatchObject({ ok: true, producerId: 42, producerEpoch: 4 });
  });
});
