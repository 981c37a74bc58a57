import type { Context } from "hono";
import type { Limits } from "../protocol/limits.js";

export interface AppEnv {
  Bindings: Env;
  Variables: { limits: Limits };
}

export type AppContext = Context<AppEnv>;
