// A test's wrangler dev registers in wrangler's local service registry under a name of
// its own, never `edgelog`: that name is `npm start`'s, which users' service bindings
// reach, and an instance removes its entry when it stops.

import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort, startWranglerDev, testWorkerName } from "../../scripts/wrangler-dev.mjs";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("registers a test instance under its own name and leaves `edgelog` alone", async () => {
  const registry = await mkdtemp(join(tmpdir(), "edgelog-registry-"));
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-registry-state-"));
  dirs.push(registry, persistTo);
  const previous = process.env.WRANGLER_REGISTRY_PATH;
  process.env.WRANGLER_REGISTRY_PATH = registry;
  try {
    const port = await freePort();
    const cluster = await startWranglerDev({ port, persistTo, vars: { EDGELOG_AUTH: "off" } });
    const whileRunning = await readdir(registry);
    await cluster.stop();
    console.log(`registry while running: ${JSON.stringify(whileRunning)}`);
    expect(cluster.name).toBe(testWorkerName(persistTo));
    expect(whileRunning).toContain(testWorkerName(persistTo));
    expect(whileRunning).not.toContain("edgelog");
  } finally {
    if (previous === undefined) delete process.env.WRANGLER_REGISTRY_PATH;
    else process.env.WRANGLER_REGISTRY_PATH = previous;
  }
});
