// `npm start`: the local cluster on http://127.0.0.1:8787, state persisted under
// .edgelog/state in the project, auth off (loopback only), fully offline.

import { fileURLToPath } from "node:url";
import { startWranglerDev } from "./wrangler-dev.mjs";

const port = Number(process.env.PORT ?? 8787);
const persistTo = fileURLToPath(new URL("../.edgelog/state", import.meta.url));
const cluster = await startWranglerDev({
  port,
  persistTo,
  // The registry name users' service bindings point at (test instances use their own).
  name: "edgelog",
  vars: { EDGELOG_AUTH: "off", EDGELOG_CORS_ORIGINS: "*" },
  logLevel: process.env.EDGELOG_LOG_LEVEL ?? "info",
  stdio: "inherit",
});

console.log(`
Edgelog is running at ${cluster.url}  (state in ${persistTo})
Web console: ${cluster.url}/
Auth is OFF for this local cluster (EDGELOG_AUTH=off) and CORS admits any origin;
it listens on 127.0.0.1 only.

Try:
  curl -s -X POST ${cluster.url}/v1/topics -H 'content-type: application/json' -d '{"name":"orders","partitions":3}'
  curl -s -X POST ${cluster.url}/v1/topics/orders/records -H 'content-type: application/json' -d '{"records":[{"key":"alice","value":{"total":42}}]}'
  curl -s "${cluster.url}/v1/topics/orders/partitions/0/records?offset=0"

Ctrl-C stops it.
`);

for (const name of ["SIGINT", "SIGTERM"]) {
  process.on(name, async () => {
    await cluster.stop();
    process.exit(0);
  });
}
