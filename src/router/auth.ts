// Authentication: auth is on unless EDGELOG_AUTH is "off". A caller presents the root
// token (the secret EDGELOG_ADMIN_TOKEN) or a scoped token made by POST /v1/tokens.
// Tokens are compared in constant time and never logged or echoed.

import type { MiddlewareHandler } from "hono";
import { catalogStub } from "../catalog/catalog-stub.js";
import { saltedHash } from "../catalog/tokens.js";
import { EdgelogError } from "../protocol/errors.js";
import type { AppEnv, Principal } from "./context.js";

const utf8 = new TextEncoder();
const TOKEN = /^elg_([0-9a-f]{16})_([0-9a-f]{48})$/;
const MAX_CACHED_TOKENS = 10_000;

interface CachedToken {
  record: { salt: string; hash: string; scopes: string[] } | null;
  fetchedAtMs: number;
}

/** What this isolate learned of each token id, for at most tokenCacheMs. */
const tokens = new Map<string, CachedToken>();

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("principal", await principalOf(c.env, c.req.header("authorization"), c.get("limits").tokenCacheMs));
  return next();
};

async function principalOf(env: Env, header: string | undefined, cacheMs: number): Promise<Principal> {
  if (env.EDGELOG_AUTH === "off") return { kind: "open" };
  // RFC 7235: the auth scheme is case-insensitive.
  const presented = /^Bearer +(\S+)$/i.exec(header ?? "")?.[1];
  if (presented) {
    const root = env.EDGELOG_ADMIN_TOKEN;
    if (root && (await sameSecret(presented, root))) return { kind: "root" };
    const match = TOKEN.exec(presented);
    if (match) {
      const [, id, secret] = match as unknown as [string, string, string];
      const record = await tokenRecord(env, id, cacheMs);
      if (record && (await sameSecret(await saltedHash(record.salt, secret), record.hash))) {
        return { kind: "token", id, scopes: record.scopes };
      }
    }
  }
  throw new EdgelogError("SASL_AUTHENTICATION_FAILED", "a valid bearer token is required");
}

async function tokenRecord(env: Env, id: string, cacheMs: number): Promise<CachedToken["record"]> {
  const hit = tokens.get(id);
  if (hit && Date.now() - hit.fetchedAtMs < cacheMs) return hit.record;
  const record = await catalogStub(env).tokenRecord(id);
  tokens.delete(id);
  if (tokens.size >= MAX_CACHED_TOKENS) tokens.delete(tokens.keys().next().value!);
  tokens.set(id, { record, fetchedAtMs: Date.now() });
  return record;
}

/** A revoked token stops working here at once (other isolates: within tokenCacheMs). */
export function forgetToken(id: string): void {
  tokens.delete(id);
}

/** Compares digests in constant time, so neither content nor length leaks. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([a, b].map((s) => crypto.subtle.digest("SHA-256", utf8.encode(s))));
  return crypto.subtle.timingSafeEqual(da!, db!);
}
