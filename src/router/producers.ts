// POST /v1/producers: producerId and producerEpoch for idempotent produce, bound to
// the caller (see producer-ids.ts).

import { Hono } from "hono";
import { catalogStub } from "../catalog/catalog-stub.js";
import { unwrap } from "../protocol/errors.js";
import { initProducerSchema } from "../protocol/schemas.js";
import type { AppEnv } from "./context.js";
import { jsonBody, parseWith } from "./parse-input.js";
import { issuedProducers, producerOwner } from "./producer-ids.js";

export const producerRoutes = new Hono<AppEnv>().post("/v1/producers", async (c) => {
  const declared = c.req.header("content-length");
  const raw = declared === "0" || !c.req.raw.body ? {} : await jsonBody(c, 4096);
  const body = parseWith(initProducerSchema, raw, "producer request");
  const existing =
    body.producerId === undefined || body.producerEpoch === undefined
      ? null
      : { producerId: body.producerId, producerEpoch: body.producerEpoch };
  const caller = producerOwner(c.get("principal"));
  const { ok: _, owner, ...producer } = unwrap(await catalogStub(c.env).initProducer(existing, caller));
  // This isolate knows the new epoch at once; others ask the catalog on its first batch.
  issuedProducers.remember(producer.producerId, { producerEpoch: producer.producerEpoch, owner });
  return c.json(producer, 201);
});
