// GET /v1/whoami: who the credential presented is, for any valid one whatever its
// scopes, so a client (the Kafka gateway's SASL login, the console) can check a token
// without needing a scope or probing a route.

import { Hono } from "hono";
import type { AppEnv } from "./context.js";

export const whoamiRoutes = new Hono<AppEnv>().get("/v1/whoami", (c) => {
  const principal = c.get("principal");
  if (principal.kind !== "token") return c.json({ principal: principal.kind });
  return c.json({ principal: "token", id: principal.id, scopes: principal.scopes });
});
