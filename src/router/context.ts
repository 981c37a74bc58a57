import type { Context } from "hono";
import type { Limits } from "../protocol/limits.js";
import type { RouteNeed } from "./authorization.js";

/** Who is calling: anyone (auth off), the root token, or a scoped token. */
export type Principal = { kind: "open" } | { kind: "root" } | { kind: "token"; id: string; scopes: string[] };

export interface AppEnv {
  Bindings: Env;
  Variables: { limits: Limits; principal: Principal; bodyBytes: number; need?: RouteNeed };
}

export type AppContext = Context<AppEnv>;
