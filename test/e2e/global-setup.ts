// One real `wrangler dev` for the whole e2e run, on a free port with fresh state.
// Tests reach it with inject("baseUrl") and use topics of their own.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startWranglerDev } from "../../scripts/wrangler-dev.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** The cluster's name in wrangler's local service registry. */
    clusterName: string;
  }
}

export default async function setup(project: TestProject) {
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-e2e-"));
  const cluster = await startWranglerDev({ persistTo, vars: { EDGELOG_AUTH: "off" } });
  project.provide("baseUrl", cluster.url);
  project.provide("clusterName", cluster.name);
  return async () => {
    await cluster.stop();
    await rm(persistTo, { recursive: true, force: true });
  };
}
