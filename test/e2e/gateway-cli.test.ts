// The gateway as users start it: `edgelog gateway` from the built CLI (package.json's
// bin; `npm test` builds it first, run `npm run build` before running this file alone),
// advertising the address it was told, serving kcat, and stopping on SIGTERM.

import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { freePort } from "../../scripts/wrangler-dev.mjs";
import { kcat } from "./gateway.js";
import { baseUrl, createTopic, uniqueTopic } from "./http.js";

const ROOT = new URL("../../", import.meta.url);

it("edgelog gateway --listen --advertise serves kcat and stops on SIGTERM", async () => {
  const { bin } = JSON.parse(await readFile(new URL("package.json", ROOT), "utf8"));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      new URL(bin.edgelog, ROOT).pathname,
      "gateway",
      "--listen",
      `127.0.0.1:${port}`,
      "--advertise",
      `localhost:${port}`,
    ],
    { env: { ...process.env, EDGELOG_URL: baseUrl() }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (!stderr.includes("Kafka protocol on") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain(`Kafka protocol on 127.0.0.1:${port}`);
    const topic = uniqueTopic("gw-cli");
    await createTopic(topic, 1);
    const listed = await kcat(["-b", `127.0.0.1:${port}`, "-L", "-t", topic]);
    expect(listed.stdout).toContain(`broker 0 at localhost:${port} (controller)`);
    const produced = await kcat(["-b", `127.0.0.1:${port}`, "-P", "-t", topic], "hello\n");
    expect(produced.code, produced.stderr).toBe(0);
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
});
