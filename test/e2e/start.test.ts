// `npm start` (scripts/start.mjs) where a new user trips: a port that is taken, and
// noise at every start when offline.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
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
