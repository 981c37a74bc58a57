// Auth is on unless EDGELOG_AUTH=off is set explicitly: a deploy without the root
// token refuses everything but /v1/health.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, startWranglerDev } from "../../scripts/wrangler-dev.mjs";
import { call } from "./http.js";

describe("auth on by default", () => {
  let withToken: Cluster;
  let withoutToken: Cluster;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgelog-auth-"));
    [withToken, withoutToken] = await Promise.all([
      startWranglerDev({
        persistTo: join(dir, "a"),
        vars: { EDGELOG_ADMIN_TOKEN: "s3cret-root" },
      }),
      startWranglerDev({ persistTo: join(dir, "b") }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([withToken?.stop(), withoutToken?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses calls without a valid bearer token, without leaking it", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: "s3cret-root" },
      { authorization: "Bearer s3cret-rootX" },
    ];
    for (const headers of attempts) {
      const reply = await call("GET", "/v1/topics", undefined, headers, withToken.url);
      expect(reply.status).toBe(401);
      expect(reply.body.error).toMatchObject({ code: "SASL_AUTHENTICATION_FAILED", retriable: false });
      expect(JSON.stringify(reply.body)).not.toContain("s3cret");
    }
    const created = await call("POST", "/v1/topics", { name: "nope" }, {}, withToken.url);
    expect(created.status).toBe(401);
  });

  it("admits the root token", async () => {
    const auth = { authorization: "Bearer s3cret-root" };
    expect((await call("POST", "/v1/topics", { name: "secured" }, auth, withToken.url)).status).toBe(201);
    expect(
      (await call("GET", "/v1/topics", undefined, auth, withToken.url)).body.topics.map(
        (t: { name: string }) => t.name,
      ),
    ).toEqual(["secured"]);
  });

  it("refuses everything when no root token is configured, health excepted", async () => {
    expect(
      (await call("GET", "/v1/topics", undefined, { authorization: "Bearer anything" }, withoutToken.url)).status,
    ).toBe(401);
    expect((await call("GET", "/v1/health", undefined, {}, withoutToken.url)).body).toMatchObject({ status: "ok" });
  });
});
