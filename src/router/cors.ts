import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./context.js";

/** CORS for browsers: the origins of EDGELOG_CORS_ORIGINS ("*" or a comma list; none
 * when unset, so a deploy admits no browser origin until told). Preflights are
 * answered before auth, as browsers send them without credentials. */
export const corsFor: MiddlewareHandler<AppEnv> = (c, next) => {
  const allowed = (c.env.EDGELOG_CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return cors({
    origin: (origin) => (allowed.includes("*") ? "*" : allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PATCH", "DELETE"],
    allowHeaders: ["authorization", "content-type", "x-edgelog-region", "last-event-id"],
    exposeHeaders: ["retry-after", "x-edgelog-replica"],
    maxAge: 600,
  })(c, next);
};
