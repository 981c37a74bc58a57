// `npm start`: the local cluster on http://127.0.0.1:8787 (PORT picks another), state
// persisted under .edgelog/state in the project (EDGELOG_STATE_DIR picks another), auth
// off (loopback only), fully offline. One cluster per state folder: two workerd
// processes on one SQLite store fail later with SQLITE_BUSY, so a second start is
// refused up front. Quiet by default: EDGELOG_LOG_LEVEL=info adds wrangler's access log (one
// line per request, long-polls included), debug everything.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
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

const persistTo = process.env.EDGELOG_STATE_DIR
  ? resolve(process.env.EDGELOG_STATE_DIR)
  : fileURLToPath(new URL("../.edgelog/state", import.meta.url));
claimState(persistTo);
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

/** Takes `dir` for this process with a lock file beside it, removed at exit; a lock
 * whose process is gone is taken over. */
function claimState(dir) {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, port }), { flag: "wx" });
      process.on("exit", () => rmSync(lock, { force: true }));
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = lockHolder(lock);
      if (holder && isRunning(holder.pid)) {
        fail(
          `${dir} is in use by another npm start (pid ${holder.pid}, port ${holder.port}): stop it, or set EDGELOG_STATE_DIR=… for a second cluster`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  fail(`could not take ${lock}: another npm start is starting; try again`);
}

/** @returns {{ pid: number, port: number } | null} */
function lockHolder(lock) {
  try {
    const holder = JSON.parse(readFileSync(lock, "utf8"));
    return Number.isInteger(holder?.pid) ? holder : null;
  } catch {
    return null;
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
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
