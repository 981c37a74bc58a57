// Scoped tokens: POST /v1/tokens {name, scopes} → {id, token} (shown once),
// GET /v1/tokens, DELETE /v1/tokens/{id}. Admin only.

import { Hono } from "hono";
import { catalogStub } from "../catalog/catalog-stub.js";
import { unwrap } from "../protocol/errors.js";
import { createTokenSchema } from "../protocol/scopes.js";
import { forgetToken } from "./auth.js";
import type { AppEnv } from "./context.js";
import { jsonBody, parseWith } from "./parse-input.js";

export const tokenRoutes = new Hono<AppEnv>()
  .post("/v1/tokens", async (c) => {
    const { name, scopes } = parseWith(createTokenSchema, await jsonBody(c, 64 * 1024), "token");
    const { ok: _, ...created } = unwrap(await catalogStub(c.env).createToken(name, scopes));
    return c.json({ ...created, name, scopes }, 201);
  })
  .get("/v1/tokens", async (c) => c.json({ tokens: await catalogStub(c.env).listTokens() }))
  .delete("/v1/tokens/:id", async (c) => {
    const id = c.req.param("id");
    unwrap(await catalogStub(c.env).deleteToken(id));
    forgetToken(id);
    return c.body(null, 204);
  });
