// `npm start` (scripts/start.mjs) where a new user trips: a port that is taken, a
// second start on the same state, and noise at every start when offline.

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/wrangler-dev.mjs";
import { baseUrl } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const START = fileURLToPath(new URL("../../scripts/start.mjs", import.meta.url));

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [START],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

describe("npm start", () => {
  it("says in one line that the port is in use and exits non-zero", async () => {
    const port = new URL(baseUrl()).port;
    const run = await start({ PORT: port });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `edgelog: port ${port} is in use: is Edgelog already running? set PORT=… to use another port\n`,
    );
  });

  it("refuses a PORT or EDGELOG_LOG_LEVEL that makes no sense", async () => {
    expect((await start({ PORT: "http" })).stderr).toBe('edgelog: PORT must be a TCP port (1 to 65535), not "http"\n');
    const level = await start({ PORT: "1", EDGELOG_LOG_LEVEL: "loud" });
    expect(level.code).toBe(1);
    expect(level.stderr).toMatch(
      /^edgelog: EDGELOG_LOG_LEVEL is one of debug, info, log, warn, error, none, not "loud"\n$/,
    );
  });

  it("refuses a second start on the same state folder, and frees the folder when it stops", async () => {
    const state = join(mkdtempSync(join(tmpdir(), "edgelog-start-")), "state");
    const firstPort = String(await freePort());
    const first = spawn(process.execPath, [START], {
      env: { ...process.env, PORT: firstPort, EDGELOG_STATE_DIR: state },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const exited = new Promise((resolve) => first.once("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let output = "";
        first.stdout.on("data", (chunk) => {
          output += String(chunk);
          if (output.includes("Edgelog is running")) resolve();
        });
        first.once("exit", (code) => reject(new Error(`the first npm start exited with ${code}`)));
      });
      const second = await start({ PORT: String(await freePort()), EDGELOG_STATE_DIR: state });
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `edgelog: ${state} is in use by another npm start (pid ${first.pid}, port ${firstPort}): stop it, or set EDGELOG_STATE_DIR=… for a second cluster\n`,
      );
    } finally {
      process.kill(-first.pid!, "SIGTERM");
      await exited;
    }
    expect(existsSync(`${state}.lock`)).toBe(false);
  }, 60_000);

  it("starts without trying to download Request.cf, so offline it prints no stack trace", async () => {
    // Miniflare skips the download when NODE_ENV is "test", as vitest sets it; a user's
    // npm start has no such setting.
    const nodeEnv = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
    const cluster = await startOwnCluster("quiet-start", {}).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    try {
      expect(cluster.output()).not.toMatch(/Request\.cf|ENOTFOUND|EAI_AGAIN/);
    } finally {
      await cluster.stop();
    }
  });
});
