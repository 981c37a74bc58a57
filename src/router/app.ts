// The router: a Hono app that validates, routes and answers. It holds no durable
// state; every error leaves through the one onError below.

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import packageJson from "../../package.json";
import { EdgelogError, errorBody } from "../protocol/errors.js";
import { resolveLimits } from "../protocol/limits.js";
import { streamRoutes } from "../streams/stream-routes.js";
import { authorizeRoute, noRoute, routeGuard } from "./authorization.js";
import { consoleRoutes } from "./console.js";
import type { AppEnv } from "./context.js";
import { corsFor } from "./cors.js";
import { faultRoutes } from "./faults.js";
import { fetchRoutes } from "./fetch.js";
import { groupRoutes } from "./groups.js";
import { metricsRoutes } from "./metrics.js";
import { recordRequest } from "./metrics-registry.js";
import { produceRoutes } from "./produce.js";
import { producerRoutes } from "./producers.js";
import { enforceQuotas } from "./quotas.js";
import { tokenRoutes } from "./tokens.js";
import { topicRoutes } from "./topics.js";
import { whoamiRoutes } from "./whoami.js";

/** The server's version is the package's: one number for the server, SDK and CLI. */
export const VERSION = packageJson.version;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export const app = new Hono<AppEnv>()
  .use(async (c, next) => {
    c.set("limits", resolveLimits(c.env.EDGELOG_LIMITS));
    if (c.env.EDGELOG_FAULTS === "1" && !LOOPBACK.test(new URL(c.req.url).hostname)) {
      // Fault injection can crash any replica: a deployment that carries the flag
      // refuses to serve at all rather than expose it.
      throw new EdgelogError("INTERNAL_ERROR", "EDGELOG_FAULTS=1 is for local dev and tests only; unset it");
    }
    await next();
  })
  .use(recordRequest)
  // Preflights are answered before the guard: browsers send them without credentials.
  .use("/v1/*", corsFor)
  .route("/", routeGuard)
  .use(authorizeRoute)
  .get("/v1/health", (c) => c.json({ status: "ok", version: VERSION }))
  .route("/", consoleRoutes)
  .use("/v1/*", enforceQuotas)
  .route("/", tokenRoutes)
  .route("/", whoamiRoutes)
  .route("/", topicRoutes)
  .route("/", produceRoutes)
  .route("/", producerRoutes)
  .route("/", fetchRoutes)
  .route("/", groupRoutes)
  .route("/", faultRoutes)
  .route("/", metricsRoutes)
  .route("/", streamRoutes);

app.notFound(noRoute);

app.onError((err, c) => {
  if (err instanceof EdgelogError) return c.json(errorBody(err.data), err.status as ContentfulStatusCode);
  console.error("unhandled error", err);
  return c.json(errorBody({ code: "INTERNAL_ERROR", message: "internal error" }), 500);
});
