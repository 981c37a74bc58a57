// Starts `wrangler dev` for the local cluster, the end-to-end tests and the benchmark,
// and stops it with its whole process group (its workerd children keep the port
// otherwise). Offline: no login, no remote bindings.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { get as httpsGet } from "node:https";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 5_000;

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The name a test or bench instance registers under in wrangler's local service
 * registry. Not `edgelog`: that is `npm start`'s, which users' service bindings reach,
 * and an instance unregisters its name when it stops. Derived from the state folder:
 * Durable Objects keep their storage under the Worker's name, so a restart on the same
 * state must use the same one, and instances on other state get other names. */
export function testWorkerName(persistTo) {
  return `edgelog-test-${createHash("sha256").update(persistTo).digest("hex").slice(0, 12)}`;
}

/** Attempts at a start on a port of its own choosing (see startWranglerDev). */
const FREE_PORT_ATTEMPTS = 3;

/**
 * Edgelog's Worker by default; `cwd` (with its wrangler.toml) and `readyPath` start
 * another, such as a user's Worker in the package tests. Without `port`, on a free port:
 * another process may take a free port between its probe and wrangler's bind, so a
 * start refused with "Address already in use" is tried again on another.
 * `ip` may be any loopback address; `localProtocol` "https" serves a self-signed
 * certificate.
 * @param {{ port: number, persistTo: string, name?: string, cwd?: string, readyPath?: string, ip?: string, localProtocol?: "http" | "https", vars?: Record<string, string>, logLevel?: string, stdio?: "inherit" | "pipe" }} options
 * @returns {Promise<{ url: string, name: string, stop: () => Promise<void>, output: () => string }>}
 */
export async function startWranglerDev(options) {
  if (options.port !== undefined) return await startOnce({ ...options, port: options.port });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, port: await freePort() });
    } catch (error) {
      if (attempt >= FREE_PORT_ATTEMPTS || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startOnce({
  port,
  persistTo,
  name = testWorkerName(persistTo),
  cwd = ROOT,
  readyPath = "/v1/health",
  ip = "127.0.0.1",
  localProtocol = "http",
  vars = {},
  logLevel = "warn",
  stdio = "pipe",
}) {
  // Its own inspector port too: two instances starting at once otherwise race for one.
  const inspectorPort = await freePort();
  const args = [
    WRANGLER,
    "dev",
    "--name",
    name,
    "--ip",
    ip,
    "--local-protocol",
    localProtocol,
    "--port",
    String(port),
    "--persist-to",
    persistTo,
  ];
  args.push("--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort));
  args.push("--log-level", logLevel, "--show-interactive-dev-session=false");
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CI: process.env.CI ?? "",
      // Miniflare otherwise downloads a Request.cf sample at each start, and offline
      // prints a stack trace when it cannot; its placeholder serves a local cluster.
      CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
    },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `${localProtocol}://${ip}:${port}`;
  const stop = () => stopGroup(child);
  try {
    await waitForReady(`${url}${readyPath}`, child);
  } catch (error) {
    await stop();
    throw new Error(`wrangler dev did not start: ${error.message}\n${output.slice(-4000)}`);
  }
  return { url, name, stop, output: () => output };
}

async function waitForReady(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      if (await answersOk(url)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} within ${READY_TIMEOUT_MS} ms`);
}

/** A 2xx from `url`; over https, wrangler's self-signed certificate is accepted. */
function answersOk(url) {
  if (url.startsWith("http:")) return fetch(url).then((response) => response.ok);
  return new Promise((resolve, reject) => {
    const request = httpsGet(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode >= 200 && response.statusCode < 300);
    });
    request.on("error", reject);
    request.setTimeout(PROBE_TIMEOUT_MS, () => request.destroy(new Error("no answer in time")));
  });
}

function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal(child, "SIGKILL");
      resolve();
    }, STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      // workerd may outlive wrangler: make sure the whole group is gone.
      signal(child, "SIGKILL");
      resolve();
    });
    signal(child, "SIGTERM");
  });
}

function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}
