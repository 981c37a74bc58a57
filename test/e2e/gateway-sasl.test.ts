// SASL PLAIN through the gateway against a cluster with auth on: the password is an
// Edgelog token, so a scoped token's scopes hold over the Kafka protocol as on HTTP.
// kcat logs in with SaslAuthenticate v1, @platformatic/kafka with the flexible v2.

import { inspect } from "node:util";
import { Producer, stringSerializers } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { call } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const ROOT = "gateway-sasl-root-token";
const root = { authorization: `Bearer ${ROOT}` };
let cluster: Cluster;
let gateway: TestGateway;

beforeAll(async () => {
  cluster = await startOwnCluster("gateway-sasl", { EDGELOG_ADMIN_TOKEN: ROOT });
  gateway = await startTestGateway({ url: cluster.url, sasl: true });
});

afterAll(async () => {
  await gateway?.close();
  await cluster?.stop();
});

const sasl = (password: string) => [
  "-X",
  "security.protocol=SASL_PLAINTEXT",
  "-X",
  "sasl.mechanisms=PLAIN",
  "-X",
  "sasl.username=kcat",
  "-X",
  `sasl.password=${password}`,
];

describe("SASL PLAIN with Edgelog tokens", () => {
  it("a produce:orders token produces to orders and is refused on another topic; a bad token is refused", async () => {
    for (const name of ["orders", "billing"]) {
      const created = await call("POST", "/v1/topics", { name, partitions: 1 }, root, cluster.url);
      expect(created.status).toBe(201);
    }
    const minted = await call(
      "POST",
      "/v1/tokens",
      { name: "kcat-orders", scopes: ["produce:orders", "consume:orders"] },
      root,
      cluster.url,
    );
    const token = minted.body.token as string;
    const base = ["-b", gateway.broker, ...sasl(token)];

    const allowed = await kcat([...base, "-P", "-t", "orders", "-K:"], "a:1\nb:2\n");
    expect(allowed.code, allowed.stderr).toBe(0);
    const stored = await call("GET", "/v1/topics/orders/partitions/0/records?offset=0", undefined, root, cluster.url);
    expect(stored.body.records).toHaveLength(2);

    const refused = await kcat([...base, "-P", "-t", "billing", "-K:"], "c:3\n");
    expect(refused.stderr).toMatch(/Topic authorization failed/i);
    const billing = await call("GET", "/v1/topics/billing/partitions/0/records?offset=0", undefined, root, cluster.url);
    expect(billing.body.records).toHaveLength(0);

    const consumed = await kcat([...base, "-C", "-t", "orders", "-o", "beginning", "-e", "-f", "%k=%s\\n"]);
    expect(consumed.stdout.trim().split("\n")).toEqual(["a=1", "b=2"]);

    const wrong = await kcat(["-b", gateway.broker, ...sasl("not-a-token"), "-L"], "", 15_000);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|SASL authentication error/i);
    const anonymous = await kcat(["-b", gateway.broker, "-L", "-m", "3"], "", 15_000);
    expect(anonymous.code).not.toBe(0);
    expect(gateway.logs.some((line) => line.includes("before SASL authentication"))).toBe(true);
  });

  it("@platformatic/kafka logs in with SaslAuthenticate v2 and produces under its token's scopes", async () => {
    const created = await call("POST", "/v1/topics", { name: "payments", partitions: 1 }, root, cluster.url);
    expect(created.status).toBe(201);
    const minted = await call("POST", "/v1/tokens", { name: "plt", scopes: ["produce:payments"] }, root, cluster.url);
    const producerOf = (password: string) =>
      new Producer({
        clientId: "plt-sasl",
        bootstrapBrokers: [gateway.broker],
        serializers: stringSerializers,
        sasl: { mechanism: "PLAIN", username: "plt", password },
        retries: 0,
      });
    const producer = producerOf(minted.body.token as string);
    try {
      await producer.send({ messages: [{ topic: "payments", key: "k", value: "paid" }] });
    } finally {
      await producer.close();
    }
    const stored = await call("GET", "/v1/topics/payments/partitions/0/records?offset=0", undefined, root, cluster.url);
    expect(stored.body.records).toHaveLength(1);
    const refused = producerOf("not-a-token");
    try {
      const failure = await refused.send({ messages: [{ topic: "payments", value: "x" }] }).catch((error) => error);
      expect(inspect(failure, { depth: 10 })).toMatch(/SASL authentication failed/);
    } finally {
      await refused.close();
    }
  });
});
