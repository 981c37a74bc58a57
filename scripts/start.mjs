// `npm start`: the local cluster on http://127.0.0.1:8787 (PORT picks another), state
// persisted under .edgelog/state in the project, auth off (loopback only), fully
// offline. Quiet by default: EDGELOG_LOG_LEVEL=info adds wrangler's access log (one
// line per request, long-polls included), debug everything.

import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { startWranglerDev } from "./wrangler-dev.mjs";

const LOG_LEVELS = ["debug", "info", "log", "warn", "error", "none"];
const port = Number(process.env.PORT ?? 8787);
const logLevel = process.env.EDGELOG_LOG_LEVEL ?? "warn";
if (!Number.isInteger(port) || port < 1 || port > 65535)
  fail(`PORT must be a TCP port (1 to 65535), not "${process.env.PORT}"`);
if (!LOG_LEVELS.includes(logLevel)) fail(`EDGELOG_LOG_LEVEL is one of ${LOG_LEVELS.join(", ")}, not "${logLevel}"`);
if (!(await portIsFree(port))) {
  fail(`port ${port} is in use: is Edgelog already running? set PORT=… to use another port`);
}

const persistTo = fileURLToPath(new URL("../.edgelog/state", import.meta.url));
const cluster = await startWranglerDev({
  port,
  persistTo,
  // The registry name users' service bindings point at (test instances use their own).
  name: "edgelog",
  vars: { EDGELOG_AUTH: "off", EDGELOG_CORS_ORIGINS: "*" },
  logLevel,
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

/** Whether 127.0.0.1:port can be listened on now (wrangler would fail later, less clearly). */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function fail(message) {
  console.error(`edgelog: ${message}`);
  process.exit(1);
}
