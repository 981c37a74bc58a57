// Token scopes: `admin`, `produce:<topic glob>`,
// `consume:<topic glob>`, `group:<group glob>`. A glob is a name where `*` matches any
// run of characters.

import { z } from "zod";

const GLOB = "[a-zA-Z0-9._*-]{1,249}";
export const scopeSchema = z
  .string()
  .regex(
    new RegExp(`^(admin|(produce|consume|group):${GLOB})$`),
    "a scope is admin, produce:<glob>, consume:<glob> or group:<glob>",
  );

export const createTokenSchema = z
  .object({ name: z.string().min(1).max(100), scopes: z.array(scopeSchema).min(1).max(64) })
  .strict();

/** What a request needs. */
export type Need =
  | { kind: "admin" }
  | { kind: "produce"; topic: string }
  | { kind: "consume"; topic: string }
  | { kind: "group"; group: string }
  /** Some produce scope (for POST /v1/producers). */
  | { kind: "any-produce" }
  /** Some consume scope (for POST /v1/fetch, whose topics are checked one by one). */
  | { kind: "any-consume" }
  /** Any valid credential, whatever its scopes (GET /v1/whoami). */
  | { kind: "authenticated" }
  /** Produce or consume on the topic (describe it). */
  | { kind: "describe"; topic: string };

export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.replace(/[.]/g, "\\.").replace(/\*/g, ".*");
  return new RegExp(`^${pattern}$`).test(name);
}

export function allows(scopes: readonly string[], need: Need): boolean {
  return need.kind === "authenticated" || scopes.some((scope) => scopeAllows(scope, need));
}

function scopeAllows(scope: string, need: Need): boolean {
  if (scope === "admin") return true;
  const [kind, glob] = scope.split(":", 2) as [string, string | undefined];
  if (glob === undefined) return false;
  switch (need.kind) {
    case "any-produce":
      return kind === "produce";
    case "any-consume":
      return kind === "consume";
    case "produce":
    case "consume":
      return kind === need.kind && globMatches(glob, need.topic);
    case "describe":
      return (kind === "produce" || kind === "consume") && globMatches(glob, need.topic);
    case "group":
      return kind === "group" && globMatches(glob, need.group);
    default:
      return false;
  }
}
