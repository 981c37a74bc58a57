// Scoped tokens, revocation and CORS on a wrangler dev with auth on.

import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { call } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const ROOT = "root-secret-for-tests";
const ORIGIN = "https://app.example";
let cluster: Cluster;
const root = { authorization: `Bearer ${ROOT}` };
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const api = (
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body: unknown,
  headers: Record<string, string>,
) => call(method, path, body, headers, cluster.url);

async function token(scopes: string[]): Promise<{ id: string; token: string }> {
  const reply = await api("POST", "/v1/tokens", { name: scopes.join(" "), scopes }, root);
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body;
}

beforeAll(async () => {
  cluster = await startOwnCluster("security", {
    EDGELOG_ADMIN_TOKEN: ROOT,
    EDGELOG_CORS_ORIGINS: ORIGIN,
    EDGELOG_LIMITS: JSON.stringify({ quotaRequestsPerSecond: 20, quotaFetchBytesPerSecond: 20_000 }),
  });
  await api("POST", "/v1/topics", { name: "orders", partitions: 1 }, root);
  await api("POST", "/v1/topics", { name: "billing", partitions: 1 }, root);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("scoped tokens", () => {
  it("allows each route only to tokens with its scope, with the right refusal code", async () => {
    const tokens = {
      admin: (await token(["admin"])).token,
      produce: (await token(["produce:ord*"])).token,
      consume: (await token(["consume:orders"])).token,
      group: (await token(["group:g1", "consume:orders"])).token,
    };
    type Case = [
      string,
      "GET" | "POST" | "PATCH" | "DELETE",
      string,
      unknown,
      Partial<Record<keyof typeof tokens, number>>,
      string,
    ];
    const produceBody = { records: [{ value: 1 }] };
    const cases: Case[] = [
      [
        "list topics",
        "GET",
        "/v1/topics",
        undefined,
        { admin: 200, produce: 403, consume: 403 },
        "CLUSTER_AUTHORIZATION_FAILED",
      ],
      [
        "create topic",
        "POST",
        "/v1/topics",
        { name: "x1" },
        { produce: 403, consume: 403, group: 403 },
        "CLUSTER_AUTHORIZATION_FAILED",
      ],
      ["describe orders", "GET", "/v1/topics/orders", undefined, { admin: 200, produce: 200, consume: 200 }, ""],
      [
        "describe billing",
        "GET",
        "/v1/topics/billing",
        undefined,
        { produce: 403, consume: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "produce orders",
        "POST",
        "/v1/topics/orders/records",
        produceBody,
        { admin: 200, produce: 200, consume: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "produce billing",
        "POST",
        "/v1/topics/billing/records",
        produceBody,
        { produce: 403, consume: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "fetch orders",
        "GET",
        "/v1/topics/orders/partitions/0/records?offset=0",
        undefined,
        { consume: 200, produce: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "fetch billing",
        "GET",
        "/v1/topics/billing/partitions/0/records?offset=0",
        undefined,
        { consume: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "multi fetch billing",
        "POST",
        "/v1/fetch",
        { partitions: [{ topic: "billing", partition: 0, offset: 0 }] },
        { consume: 403, admin: 200 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      [
        "offsets orders",
        "GET",
        "/v1/topics/orders/partitions/0/offsets?at=latest",
        undefined,
        { consume: 200, produce: 403 },
        "TOPIC_AUTHORIZATION_FAILED",
      ],
      ["init producer", "POST", "/v1/producers", {}, { produce: 201, consume: 403 }, "TOPIC_AUTHORIZATION_FAILED"],
      [
        "join g1",
        "POST",
        "/v1/groups/g1/heartbeat",
        { memberEpoch: 0, topics: ["orders"] },
        { group: 200, consume: 403 },
        "GROUP_AUTHORIZATION_FAILED",
      ],
      [
        "join g2",
        "POST",
        "/v1/groups/g2/heartbeat",
        { memberEpoch: 0, topics: ["orders"] },
        { group: 403 },
        "GROUP_AUTHORIZATION_FAILED",
      ],
      ["list groups", "GET", "/v1/groups", undefined, { admin: 200, group: 403 }, "CLUSTER_AUTHORIZATION_FAILED"],
      ["list tokens", "GET", "/v1/tokens", undefined, { admin: 200, produce: 403 }, "CLUSTER_AUTHORIZATION_FAILED"],
      [
        "delete topic",
        "DELETE",
        "/v1/topics/billing",
        undefined,
        { produce: 403, consume: 403 },
        "CLUSTER_AUTHORIZATION_FAILED",
      ],
    ];
    for (const [name, method, path, body, expected, code] of cases) {
      for (const [who, status] of Object.entries(expected)) {
        const reply = await api(method, path, body, as(tokens[who as keyof typeof tokens]));
        expect(reply.status, `${name} as ${who}: ${JSON.stringify(reply.body)}`).toBe(status);
        if (status === 403) expect(reply.body.error).toMatchObject({ code, retriable: false });
      }
    }
    const listed = await api("GET", "/v1/tokens", undefined, root);
    expect(JSON.stringify(listed.body)).not.toContain(tokens.admin.slice(-20));
  });

  it("refuses a token at once after it is revoked, and bad tokens with 401", async () => {
    const { id, token: t } = await token(["consume:*"]);
    expect((await api("GET", "/v1/topics/orders/partitions/0/offsets?at=latest", undefined, as(t))).status).toBe(200);
    expect((await api("DELETE", `/v1/tokens/${id}`, undefined, root)).status).toBe(204);
    const revoked = await api("GET", "/v1/topics/orders/partitions/0/offsets?at=latest", undefined, as(t));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("SASL_AUTHENTICATION_FAILED");
    const forged = `${t.slice(0, -4)}0000`;
    expect((await api("GET", "/v1/topics/orders", undefined, as(forged))).status).toBe(401);
    expect((await api("POST", "/v1/tokens", { name: "bad", scopes: ["superuser"] }, root)).status).toBe(400);
  });
});

describe("side doors", () => {
  const head = async (path: string, headers: Record<string, string>) => {
    const reply = await request(`${cluster.url}${path}`, { method: "HEAD", headers });
    expect(await reply.body.text()).toBe("");
    return reply.statusCode;
  };

  it("answers HEAD with GET's authorization and status: no scope, no answer", async () => {
    const produceOrders = as((await token(["produce:orders"])).token);
    const consumeOrders = as((await token(["consume:orders"])).token);
    await api("POST", "/v1/topics/billing/records", { records: [{ value: 1 }] }, root);
    const cases: [string, Record<string, string>, number][] = [
      ["/v1/tokens", produceOrders, 403],
      ["/v1/tokens", root, 200],
      ["/metrics", produceOrders, 403],
      ["/v1/groups", consumeOrders, 403],
      ["/v1/groups/billing/offsets", consumeOrders, 403],
      // Another topic's log end, and whether it exists, stay hidden.
      ["/v1/topics/billing/partitions/0/records?offset=99", consumeOrders, 403],
      ["/v1/topics/billing/partitions/0/offsets?at=latest", consumeOrders, 403],
      ["/v1/topics/nope/partitions/0/offsets?at=latest", consumeOrders, 403],
      ["/v1/topics/orders/partitions/0/records?offset=99", consumeOrders, 416],
      ["/v1/topics/orders/partitions/0/offsets?at=latest", consumeOrders, 200],
    ];
    for (const [path, headers, status] of cases) {
      const get = await request(`${cluster.url}${path}`, { headers });
      await get.body.dump();
      expect(get.statusCode, `GET ${path}`).toBe(status);
      expect(await head(path, headers), `HEAD ${path}`).toBe(status);
    }
  });

  it("answers a method a route does not serve with 405 and Allow, before anything runs", async () => {
    const reply = await request(`${cluster.url}/v1/topics/orders`, { method: "PUT", headers: root, body: "{}" });
    expect(reply.statusCode).toBe(405);
    expect(reply.headers.allow).toBe("GET, PATCH, DELETE, HEAD");
    expect(((await reply.body.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("refuses an unknown query parameter and changes nothing", async () => {
    const created = await api("POST", "/v1/topics?bogus=1", { name: "bogus-topic" }, root);
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: "INVALID_REQUEST" });
    expect(created.body.error.message).toContain("bogus");
    expect((await api("GET", "/v1/topics/bogus-topic", undefined, root)).status).toBe(404);
    expect((await api("DELETE", "/v1/groups/g9?force=1", undefined, root)).status).toBe(400);
  });

  it("tells any valid credential who it is (GET /v1/whoami), whatever its scopes, and refuses a bad one", async () => {
    const scoped = await token(["group:nothing-matches"]);
    expect((await api("GET", "/v1/whoami", undefined, as(scoped.token))).body).toEqual({
      principal: "token",
      id: scoped.id,
      scopes: ["group:nothing-matches"],
    });
    expect((await api("GET", "/v1/whoami", undefined, root)).body).toEqual({ principal: "root" });
    const forged = await api("GET", "/v1/whoami", undefined, as(`${scoped.token.slice(0, -4)}0000`));
    expect(forged.status).toBe(401);
    // A path no route serves no longer tells a good token from a bad one.
    expect((await api("GET", "/v1/nothing-here", undefined, as("bad"))).status).toBe(404);
  });

  it("accepts the Bearer scheme in any letter case (RFC 7235)", async () => {
    for (const scheme of ["bearer", "BEARER", "bEaReR"]) {
      const reply = await api("GET", "/v1/topics", undefined, { authorization: `${scheme} ${ROOT}` });
      expect(reply.status, scheme).toBe(200);
    }
  });

  it("shows a group token only the topics it may consume: offsets, lag, members", async () => {
    await api("POST", "/v1/topics", { name: "secret", partitions: 1 }, root);
    await api("POST", "/v1/topics/secret/records", { records: [{ value: 1 }, { value: 2 }] }, root);
    const joined = await api(
      "POST",
      "/v1/groups/billing-view/heartbeat",
      { memberEpoch: 0, topics: ["secret", "orders"] },
      root,
    );
    expect(joined.status).toBe(200);
    const { memberId, memberEpoch } = joined.body;
    const commit = await api(
      "POST",
      "/v1/groups/billing-view/offsets",
      {
        memberId,
        memberEpoch,
        offsets: [
          { topic: "secret", partition: 0, offset: 1 },
          { topic: "orders", partition: 0, offset: 0 },
        ],
      },
      root,
    );
    expect(commit.status, JSON.stringify(commit.body)).toBe(200);
    const viewer = as((await token(["group:billing-view", "consume:orders"])).token);
    const offsets = await api("GET", "/v1/groups/billing-view/offsets", undefined, viewer);
    expect(offsets.status).toBe(200);
    expect(offsets.body.offsets.map((o: { topic: string }) => o.topic)).toEqual(["orders"]);
    const described = await api("GET", "/v1/groups/billing-view", undefined, viewer);
    expect(described.status).toBe(200);
    expect(JSON.stringify(described.body)).not.toContain("secret");
    expect(described.body.members[0].topics).toEqual(["orders"]);
    // The root token still sees both.
    const all = await api("GET", "/v1/groups/billing-view/offsets", undefined, root);
    expect(all.body.offsets.map((o: { topic: string }) => o.topic).sort()).toEqual(["orders", "secret"]);
  });
});

describe("quotas", () => {
  it("throttles a token over its request rate with Retry-After, and lets it through again", async () => {
    const { token: t } = await token(["consume:orders"]);
    const path = "/v1/topics/orders/partitions/0/offsets?at=latest";
    const replies = await Promise.all(Array.from({ length: 40 }, () => api("GET", path, undefined, as(t))));
    const throttled = replies.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]!.body.error).toMatchObject({ code: "THROTTLING_QUOTA_EXCEEDED", retriable: true });
    const retryAfterS = Number(throttled[0]!.headers["retry-after"]);
    expect(retryAfterS).toBeGreaterThanOrEqual(1);
    // The root token has no quota.
    expect((await api("GET", path, undefined, root)).status).toBe(200);
    await new Promise((r) => setTimeout(r, retryAfterS * 1000));
    expect((await api("GET", path, undefined, as(t))).status).toBe(200);
  });
});

describe("fetch byte quota", () => {
  it("charges a token the bytes of each fetch answer and throttles it once over", async () => {
    const produced = await api(
      "POST",
      "/v1/topics/billing/records",
      { records: [{ value: "x".repeat(15_000) }] },
      root,
    );
    expect(produced.status).toBe(200);
    const { token: t } = await token(["consume:billing"]);
    const path = "/v1/topics/billing/partitions/0/records?offset=0";
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api("GET", path, undefined, as(t))).status);
    // 20,000 bytes of burst: the first two answers (~15 KB each) overdraw it.
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin and not from another", async () => {
    const preflight = (origin: string) =>
      request(`${cluster.url}/v1/topics/orders/records`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const allowed = await preflight(ORIGIN);
    await allowed.body.dump();
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(String(allowed.headers["access-control-allow-headers"])).toContain("authorization");
    const other = await preflight("https://evil.example");
    await other.body.dump();
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const actual = await request(`${cluster.url}/v1/topics/orders`, { headers: { origin: ORIGIN, ...root } });
    await actual.body.dump();
    expect(actual.statusCode).toBe(200);
    expect(actual.headers["access-control-allow-origin"]).toBe(ORIGIN);
  });
});
