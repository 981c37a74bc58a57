// Until scoped tokens land (issue 8), auth admits the root token only. It is on unless
// EDGELOG_AUTH is "off", so a deploy without the secret refuses everything.

import type { MiddlewareHandler } from "hono";
import { EdgelogError } from "../protocol/errors.js";
import type { AppEnv } from "./context.js";

const utf8 = new TextEncoder();

export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.env.EDGELOG_AUTH === "off") return next();
  const root = c.env.EDGELOG_ADMIN_TOKEN;
  const presented = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
  if (!root || !presented || !(await sameSecret(presented, root))) {
    throw new EdgelogError("SASL_AUTHENTICATION_FAILED", "a valid bearer token is required");
  }
  return next();
};

/** Compares digests in constant time, so neither content nor length leaks. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([a, b].map((s) => crypto.subtle.digest("SHA-256", utf8.encode(s))));
  return crypto.subtle.timingSafeEqual(da!, db!);
}
