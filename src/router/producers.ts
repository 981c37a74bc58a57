// POST /v1/producers: producerId and producerEpoch for idempotent produce.

import { Hono } from "hono";
import { unwrap } from "../protocol/errors.js";
import { initProducerSchema } from "../protocol/schemas.js";
import type { AppEnv } from "./context.js";
import { catalogStub } from "./metadata-cache.js";
import { jsonBody, parseWith } from "./parse-input.js";

export const producerRoutes = new Hono<AppEnv>().post("/v1/producers", async (c) => {
  const declared = c.req.header("content-length");
  const raw = declared === "0" || !c.req.raw.body ? {} : await jsonBody(c, 4096);
  const body = parseWith(initProducerSchema, raw, "producer request");
  const existing =
    body.producerId === undefined || body.producerEpoch === undefined
      ? null
      : { producerId: body.producerId, producerEpoch: body.producerEpoch };
  const { ok: _, ...producer } = unwrap(await catalogStub(c.env).initProducer(existing));
  return c.json(producer, 201);
});
