// Starts the platform-floor worker (bench/floor) under `wrangler dev` with the same
// flags scripts/wrangler-dev.mjs gives Edgelog's (--log-level warn, own persist dir,
// loopback), and stops it with its process group.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../scripts/wrangler-dev.mjs";
import { sleep } from "./stats.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const CONFIG = fileURLToPath(new URL("../floor/wrangler.toml", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** @param {string} persistTo @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startFloor(persistTo) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [WRANGLER, "dev", "-c", CONFIG, "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--persist-to", persistTo, "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort));
  args.push("--log-level", "warn", "--show-interactive-dev-session=false");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`floor worker did not start\n${output.slice(-2000)}`);
    }
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}

/** @param {import("node:child_process").ChildProcess} child */
function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const kill = (/** @type {NodeJS.Signals} */ name) => {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), name);
    } catch {
      // already gone
    }
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      kill("SIGKILL");
      resolve(undefined);
    }, STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      kill("SIGKILL");
      resolve(undefined);
    });
    kill("SIGTERM");
  }).then(() => undefined);
}
