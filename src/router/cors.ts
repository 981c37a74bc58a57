import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { STREAM_REQUEST_HEADERS, STREAM_RESPONSE_HEADERS } from "../streams/stream-response.js";
import type { AppEnv } from "./context.js";

/** The handler for the EDGELOG_CORS_ORIGINS value last seen (a deployment has one). */
let cached: { setting: string; handler: MiddlewareHandler<AppEnv> } | null = null;

/** CORS for browsers: the origins of EDGELOG_CORS_ORIGINS ("*" or a comma list; none
 * when unset, so a deploy admits no browser origin until told). Preflights are
 * answered before auth, as browsers send them without credentials. A request without
 * an Origin header (no browser sends a cross-origin request without one) skips it: it
 * needs no CORS headers, and hono's cors would make every response be built twice. */
export const corsFor: MiddlewareHandler<AppEnv> = (c, next) => {
  if (c.req.header("origin") === undefined) return next();
  const setting = c.env.EDGELOG_CORS_ORIGINS ?? "";
  if (cached?.setting !== setting) cached = { setting, handler: corsHandler(setting) };
  return cached.handler(c, next);
};

function corsHandler(setting: string): MiddlewareHandler<AppEnv> {
  const allowed = setting
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return cors({
    origin: (origin) => (allowed.includes("*") ? "*" : allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["authorization", "content-type", "x-edgelog-region", "last-event-id", ...STREAM_REQUEST_HEADERS],
    exposeHeaders: ["retry-after", "x-edgelog-replica", ...STREAM_RESPONSE_HEADERS],
    maxAge: 600,
  });
}
