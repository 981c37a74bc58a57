// Authorization: which scope each route needs. One table, so a reader sees every
// rule in one place; routes whose needs depend on the body (POST /v1/fetch, the group
// fetch) also call authorize() themselves.

import { Hono, type MiddlewareHandler } from "hono";
import { EdgelogError, type ErrorCode } from "../protocol/errors.js";
import { allows, type Need } from "../protocol/scopes.js";
import type { AppContext, AppEnv } from "./context.js";

export function authorize(c: AppContext, need: Need): void {
  const principal = c.get("principal");
  if (principal.kind !== "token" || allows(principal.scopes, need)) return;
  throw new EdgelogError(refusalCode(need), `this token has no scope for ${describe(need)}`);
}

type Rule = (c: AppContext) => Need;
const admin: Rule = () => ({ kind: "admin" });
const produce: Rule = (c) => ({ kind: "produce", topic: c.req.param("topic") ?? "" });
const consume: Rule = (c) => ({ kind: "consume", topic: c.req.param("topic") ?? "" });
const describeTopic: Rule = (c) => ({ kind: "describe", topic: c.req.param("topic") ?? "" });
const group: Rule = (c) => ({ kind: "group", group: c.req.param("group") ?? "" });
const anyProduce: Rule = () => ({ kind: "any-produce" });

function rules(byMethod: Partial<Record<string, Rule>>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const rule = byMethod[c.req.method];
    if (rule) authorize(c, rule(c));
    return next();
  };
}

export const authorizationRules = new Hono<AppEnv>()
  .use("/v1/topics", rules({ GET: admin, POST: admin }))
  .use("/v1/topics/:topic", rules({ GET: describeTopic, PATCH: admin, DELETE: admin }))
  .use("/v1/topics/:topic/partitions", rules({ POST: admin }))
  .use("/v1/topics/:topic/records", rules({ POST: produce }))
  .use("/v1/topics/:topic/partitions/:partition/records", rules({ POST: produce, GET: consume }))
  .use("/v1/topics/:topic/partitions/:partition/offsets", rules({ GET: consume }))
  .use("/v1/producers", rules({ POST: anyProduce }))
  .use("/v1/groups", rules({ GET: admin }))
  .use("/v1/groups/:group", rules({ GET: group, DELETE: group }))
  .use("/v1/groups/:group/*", rules({ GET: group, POST: group }))
  .use("/v1/tokens", rules({ GET: admin, POST: admin }))
  .use("/v1/tokens/*", rules({ DELETE: admin }))
  .use("/v1/_faults", rules({ POST: admin }))
  .use("/v1/_faults/*", rules({ GET: admin }))
  .use("/metrics", rules({ GET: admin }));

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
    case "group":
      return `group ${need.group}`;
    default:
      return `${need.kind} on topic ${need.topic}`;
  }
}
