// A wrangler dev of a test's own (fault injection, auth on, other limits), on a free
// port with fresh state that is removed when it stops.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Cluster, startWranglerDev } from "../../scripts/wrangler-dev.mjs";

export async function startOwnCluster(name: string, vars: Record<string, string>): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), `edgelog-${name}-`));
  const cluster = await startWranglerDev({ persistTo: dir, vars });
  return {
    ...cluster,
    stop: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
