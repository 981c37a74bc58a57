// Authorization, deny by default: ROUTES is the one table of every route the app
// serves, each method with the scope it needs. The route guard runs before any handler
// and lets through only what the table names: an unknown path is 404, a method the
// path does not serve 405 with Allow, an unknown query parameter 400. A handler whose
// route has no row here is unreachable, and the route test fails on it. Routes whose
// needs depend on the body (POST /v1/fetch, the group calls) also call authorize().

import { Hono, type MiddlewareHandler } from "hono";
import { CONSOLE_FILES } from "../../dist/console/bundle.mjs";
import { EdgelogError, type ErrorCode, errorBody } from "../protocol/errors.js";
import { allows, type Need } from "../protocol/scopes.js";
import { topicOfRequestPath } from "../streams/stream-topic.js";
import { authenticate } from "./auth.js";
import type { AppContext, AppEnv } from "./context.js";

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];
/** HEAD is answered as GET (hono runs the GET handler and drops the body). */
type ServedMethod = Exclude<Method, "HEAD" | "OPTIONS">;

/** What a request needs: nothing (public), or a Need made from its path parameters. */
export type RouteNeed = "public" | Need;

interface Rule {
  need: (c: AppContext) => RouteNeed;
  /** "parsed": the handler reads the query itself with a strict schema. "ignored":
   * a page, whose links may carry anything, or a stream read, where the Durable Streams
   * protocol has servers ignore parameters they do not know. Elsewhere any query
   * parameter is refused. */
  query?: "parsed" | "ignored";
}

const open: Rule = { need: () => "public" };
const admin: Rule = { need: () => ({ kind: "admin" }) };
const param = (c: AppContext, name: string) => c.req.param(name) ?? "";
const produce: Rule = { need: (c) => ({ kind: "produce", topic: param(c, "topic") }), query: "parsed" };
const consume: Rule = { need: (c) => ({ kind: "consume", topic: param(c, "topic") }), query: "parsed" };
const describeTopic: Rule = { need: (c) => ({ kind: "describe", topic: param(c, "topic") }) };
const group: Rule = { need: (c) => ({ kind: "group", group: param(c, "group") }) };
// A stream is the topic its path maps to: reading it is consuming, appending producing.
const streamTopic = (c: AppContext) => topicOfRequestPath(c.req.path);
const readStream: Rule = { need: (c) => ({ kind: "consume", topic: streamTopic(c) }), query: "ignored" };
const appendStream: Rule = { need: (c) => ({ kind: "produce", topic: streamTopic(c) }) };

export const ROUTES: Readonly<Record<string, Partial<Record<ServedMethod, Rule>>>> = {
  ...Object.fromEntries(Object.keys(CONSOLE_FILES).map((path) => [path, { GET: { ...open, query: "ignored" } }])),
  "/v1/health": { GET: open },
  "/v1/whoami": { GET: { need: () => ({ kind: "authenticated" }) } },
  "/v1/topics": { GET: admin, POST: admin },
  "/v1/topics/:topic": { GET: describeTopic, PATCH: admin, DELETE: admin },
  "/v1/topics/:topic/partitions": { POST: admin },
  "/v1/topics/:topic/records": { POST: produce },
  "/v1/topics/:topic/partitions/:partition/records": { POST: produce, GET: consume },
  "/v1/topics/:topic/partitions/:partition/offsets": { GET: consume },
  "/v1/producers": { POST: { need: () => ({ kind: "any-produce" }) } },
  // Each listed partition's topic is authorized by the handler.
  "/v1/fetch": { POST: { need: () => ({ kind: "any-consume" }) } },
  "/v1/groups": { GET: admin },
  "/v1/groups/:group": { GET: group, DELETE: group },
  "/v1/groups/:group/heartbeat": { POST: group },
  "/v1/groups/:group/offsets": { GET: group, POST: group },
  "/v1/groups/:group/offsets/reset": { POST: group },
  "/v1/groups/:group/fetch": { POST: group },
  "/v1/tokens": { GET: admin, POST: admin },
  "/v1/tokens/:id": { DELETE: admin },
  "/v1/_faults": { POST: admin },
  "/v1/_faults/log": { GET: { ...admin, query: "parsed" } },
  "/metrics": { GET: admin },
  // Durable Streams: the path after /v1/stream/ names the stream, slashes and all.
  "/v1/stream/*": { GET: readStream, POST: appendStream, PUT: admin, DELETE: admin },
};

/** The methods a route answers, as an Allow header lists them. */
export function allowedMethods(route: string): string[] {
  const served = Object.keys(ROUTES[route] ?? {});
  return served.includes("GET") ? [...served, "HEAD"] : served;
}

/** Runs before every handler: refuses what the table does not name, and records what
 * the request needs for `authorizeRoute`. */
export const routeGuard = new Hono<AppEnv>();
for (const [route, rules] of Object.entries(ROUTES)) {
  routeGuard.use(route, async (c, next) => {
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    const rule = rules[method as ServedMethod];
    if (!rule) {
      const allow = allowedMethods(route).join(", ");
      const message = `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`;
      return c.json(errorBody({ code: "METHOD_NOT_ALLOWED", message }), 405, { allow });
    }
    if (rule.query === undefined) refuseQuery(c);
    c.set("need", rule.need(c));
    return next();
  });
}
routeGuard.use("*", async (c, next) => (c.get("need") === undefined ? noRoute(c) : next()));

export function noRoute(c: AppContext): Response {
  return c.json(errorBody({ code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` }), 404);
}

function refuseQuery(c: AppContext): void {
  const names = Object.keys(c.req.queries());
  if (names.length > 0) {
    throw new EdgelogError("INVALID_REQUEST", `unknown query parameter(s) ${names.join(", ")} on ${c.req.path}`);
  }
}

/** Authenticates the caller of every route that is not public, and checks the scope
 * the route table asks. */
export const authorizeRoute: MiddlewareHandler<AppEnv> = async (c, next) => {
  const need = c.get("need");
  if (need === undefined) return noRoute(c);
  if (need === "public") return next();
  return authenticate(c, async () => {
    authorize(c, need);
    await next();
  });
};

export function authorize(c: AppContext, need: Need): void {
  if (mayAccess(c, need)) return;
  throw new EdgelogError(refusalCode(need), `this token has no scope for ${describe(need)}`);
}

/** Whether the caller holds `need`: a filter for answers that span several topics. */
export function mayAccess(c: AppContext, need: Need): boolean {
  const principal = c.get("principal");
  return principal.kind !== "token" || allows(principal.scopes, need);
}

function refusalCode(need: Need): ErrorCode {
  if (need.kind === "admin") return "CLUSTER_AUTHORIZATION_FAILED";
  if (need.kind === "group") return "GROUP_AUTHORIZATION_FAILED";
  return "TOPIC_AUTHORIZATION_FAILED";
}

function describe(need: Need): string {
  switch (need.kind) {
    case "admin":
      return "this cluster operation (admin)";
    case "any-produce":
      return "producing (produce:<topic>)";
    case "any-consume":
      return "consuming (consume:<topic>)";
    case "authenticated":
      return "this call";
    case "group":
      return `group ${need.group}`;
    default:
      return `${need.kind} on topic ${need.topic}`;
  }
}
