// Starts a peer server (redis-server, nats-server) as a child process on a free port and
// waits until it answers; a peer that cannot start is an error value, not a crash, so
// the bench still runs without it.

import { spawn } from "node:child_process";
import { freePort } from "../../scripts/wrangler-dev.mjs";
import { sleep } from "../lib/stats.mjs";

const READY_ATTEMPTS = 50;
const READY_POLL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;

/**
 * @param {string} command
 * @param {(port: number) => string[]} args
 * @param {(port: number) => Promise<void>} probe resolves once the server answers
 * @returns {Promise<{ port: number, pid: number, stop: () => Promise<void> } | { error: string }>}
 */
export async function startPeer(command, args, probe) {
  const port = await freePort();
  let child;
  try {
    child = spawn(command, args(port), { stdio: "ignore" });
  } catch (error) {
    return { error: `${command}: ${/** @type {Error} */ (error).message}` };
  }
  const spawnError = new Promise((resolve) => child.once("error", (e) => resolve(e.message)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
  };
  for (let i = 0; i < READY_ATTEMPTS; i++) {
    const failed = await Promise.race([spawnError, sleep(READY_POLL_MS).then(() => null)]);
    if (failed) return { error: `${command}: ${failed} (run scripts/install-bench-peers.sh)` };
    try {
      await probe(port);
      return { port, pid: /** @type {number} */ (child.pid), stop };
    } catch {
      // not up yet
    }
  }
  await stop();
  return { error: `${command} did not answer within ${(READY_ATTEMPTS * READY_POLL_MS) / 1000} s` };
}
