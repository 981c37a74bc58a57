// The SDK as the e2e tests use it, against the run's wrangler dev.

import { Edgelog, type EdgelogConfig } from "../../src/client/index.js";
import { baseUrl, call } from "./http.js";

export function client(config: Partial<EdgelogConfig> = {}): Edgelog {
  return new Edgelog({ url: baseUrl(), ...config });
}

let probed: Promise<boolean> | null = null;

/** Whether this server has the idempotent producer (POST /v1/producers). Tests that
 * are not about idempotence use the SDK's default (idempotent) where it does, and an
 * explicitly non-idempotent producer where it does not yet. */
export function serverHasIdempotence(): Promise<boolean> {
  probed ??= call("POST", "/v1/producers", {}).then((reply) => reply.status === 201);
  return probed;
}

export async function producerOptions(extra: Record<string, unknown> = {}) {
  return (await serverHasIdempotence()) ? extra : { idempotent: false, ...extra };
}
