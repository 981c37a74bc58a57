// The packages as a user gets them: `npm run pack`'s tarballs installed offline into a
// fresh project outside the repository, then the same user code (test/e2e/packages)
// run on Node 20 without a bundler, type-checked by tsc against the published .d.ts,
// run in Deno, in Chromium (bundled by the user's esbuild) and in the user's own
// Worker under wrangler dev, through a service binding and through plain fetch.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { startWranglerDev } from "../../scripts/wrangler-dev.mjs";
import { launchBrowser } from "./browser.js";
import { baseUrl, uniqueTopic } from "./http.js";
import { ROOT, rewrite, run, runUntil, type UserProject, userProject } from "./user-project.js";

const DENO = join(ROOT, "node_modules/.bin/deno");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

let project: UserProject;
beforeAll(async () => {
  project = await userProject();
}, 120_000);
afterAll(async () => {
  await project?.remove();
});

/** What roundTrip (test/e2e/packages/round-trip.mjs) answers when all went well. */
function expectRoundTrip(result: Record<string, unknown>, bytes: string) {
  expect(result.consumed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(result.partitions).toEqual([0, 1]);
  expect(result.refused).toBe("TOPIC_ALREADY_EXISTS");
  expect(result.kafkajs).toEqual({ baseOffset: "0", values: ["0:k=a", "1:k=b", "2:k=c"], bytes, high: ["3"] });
}

it("installs offline: two packages, no dependency beyond them", async () => {
  for (const p of project.packed) {
    console.log(`${p.name}: ${p.sizeBytes} B packed, ${p.unpackedSizeBytes} B unpacked, ${p.files} files`);
  }
  expect(project.packed.map((p) => p.file.split("/").at(-1))).toEqual([
    expect.stringMatching(/^edgelog-client-\d+\.\d+\.\d+\.tgz$/),
    expect.stringMatching(/^edgelog-\d+\.\d+\.\d+\.tgz$/),
  ]);
  expect((await readdir(join(project.dir, "node_modules"))).filter((n) => !n.startsWith("."))).toEqual([
    "@edgelog",
    "edgelog",
  ]);
  const client = JSON.parse(await readFile(join(project.dir, "node_modules/@edgelog/client/package.json"), "utf8"));
  const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  expect(client).toMatchObject({ version, sideEffects: false, type: "module" });
  expect(client.dependencies).toBeUndefined();
});

it("loads one copy of the SDK's classes when CommonJS code requires both entries", async () => {
  const { stdout } = await run(process.execPath, ["one-copy.cjs", baseUrl(), uniqueTopic("absent")], {
    cwd: project.dir,
    timeout: 30_000,
  });
  expect(JSON.parse(stdout)).toEqual({
    threw: true,
    protocolError: true,
    type: "UNKNOWN_TOPIC_OR_PARTITION",
    causeIsClientError: true,
  });
});

it("runs a producer and a group consumer from a plain .mjs on Node, no bundler", async () => {
  const { stdout } = await run(process.execPath, ["main.mjs", baseUrl(), uniqueTopic("node")], {
    cwd: project.dir,
    timeout: 60_000,
  });
  console.log(stdout.trim());
  const result = JSON.parse(stdout);
  expect(result.runtime).toMatch(/^node v2\d\./);
  expectRoundTrip(result, "Buffer");
});

it("runs the CLI with npx from a folder of the project", async () => {
  const topic = uniqueTopic("npx");
  const folder = join(project.dir, "src/deep");
  await mkdir(folder, { recursive: true });
  const npx = (...args: string[]) =>
    run("npx", ["--offline", "--no-install", "edgelog", "--url", baseUrl(), ...args], { cwd: folder });
  const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  expect((await run("npx", ["--offline", "--no-install", "edgelog", "--version"], { cwd: folder })).stdout.trim()).toBe(
    version,
  );
  await npx("topics", "create", topic, "--partitions", "3");
  expect((await npx("topics", "list")).stdout).toContain(topic);
});

it("type-checks ES module and CommonJS code against the published .d.ts (NodeNext, skipLibCheck off)", async () => {
  const { stdout } = await run(process.execPath, [TSC, "-p", "tsconfig.json"], {
    cwd: project.dir,
    timeout: 90_000,
  }).catch((error) => error);
  expect(stdout).toBe("");
});

it("runs the same code in Deno", async () => {
  const { stdout } = await run(
    DENO,
    [
      "run",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      "main.mjs",
      baseUrl(),
      uniqueTopic("deno"),
    ],
    {
      cwd: project.dir,
      timeout: 60_000,
      env: { ...process.env, DENO_DIR: join(project.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1" },
    },
  );
  console.log(stdout.trim());
  const result = JSON.parse(stdout);
  expect(result.runtime).toMatch(/^deno 2\./);
  expectRoundTrip(result, "Buffer");
});

it("runs the same code in Chromium, bundled by the user's esbuild", async () => {
  const bundle = await build({
    absWorkingDir: project.dir,
    entryPoints: ["browser.mjs"],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "warning",
  });
  const script = bundle.outputFiles[0]!.text;
  console.log(`browser bundle: ${script.length} bytes`);
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    // Served from the cluster's origin, as a page of the user's own site would be with CORS.
    await page.route(`${baseUrl()}/app.html`, (route) =>
      route.fulfill({ contentType: "text/html", body: `<!doctype html><script type="module">${script}</script>` }),
    );
    await page.goto(`${baseUrl()}/app.html`);
    await page.waitForFunction(() => "roundTrip" in window);
    const result = await page.evaluate(
      ([url, topic]) =>
        (window as unknown as { roundTrip: (o: object) => Promise<Record<string, unknown>> }).roundTrip({ url, topic }),
      [baseUrl(), uniqueTopic("chromium")],
    );
    console.log(JSON.stringify(result));
    expectRoundTrip(result, "TextBytes");
  } finally {
    await browser.close();
  }
});

it("runs in the user's Worker under wrangler dev, through a service binding and through fetch", async () => {
  const clusterName = inject("clusterName");
  await rewrite(join(project.dir, "wrangler.toml"), [
    ['service = "edgelog"', `service = "${clusterName}"`],
    ['EDGELOG_URL = "http://127.0.0.1:8787"', `EDGELOG_URL = "${baseUrl()}"`],
  ]);
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-user-worker-"));
  const worker = await startWranglerDev({
    persistTo,
    name: "my-app",
    cwd: project.dir,
    readyPath: "/",
  });
  try {
    for (const route of ["service", "fetch"]) {
      const response = await fetch(`${worker.url}/${route}?topic=${uniqueTopic(`worker-${route}`)}`);
      const result = await response.json();
      console.log(`${route}: ${JSON.stringify(result)}`);
      expect(response.status).toBe(200);
      expectRoundTrip(result, "TextBytes");
    }
  } finally {
    await worker.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
});

it("runs kafkajs' README example with its import and brokers lines changed", async () => {
  const readme = await readFile(join(ROOT, "node_modules/kafkajs/README.md"), "utf8");
  const example = /```javascript\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const file = join(project.dir, "readme-example.cjs");
  await writeFile(file, example);
  await rewrite(file, [
    ["require('kafkajs')", "require('@edgelog/client/kafkajs')"],
    ["brokers: ['kafka1:9092', 'kafka2:9092']", `brokers: ['${baseUrl()}']`],
  ]);
  // It produces, then consumes forever: read until the message is logged, then stop it.
  const output = await runUntil([file], { cwd: project.dir, timeoutMs: 30_000 }, /Hello KafkaJS user!/);
  console.log(output.trim());
  expect(output).toContain("{ partition: 0, offset: '0', value: 'Hello KafkaJS user!' }");
});

it("runs the README's SDK example as pasted, pointed at the test cluster", async () => {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const sdk = readme.slice(readme.indexOf("## SDK\n"));
  const example = /```js\n([\s\S]*?)```/.exec(sdk)?.[1] ?? "";
  expect(example.split("\n").filter(Boolean).length).toBeLessThanOrEqual(12);
  const file = join(project.dir, "app.mjs");
  await writeFile(file, example);
  await rewrite(file, [["http://127.0.0.1:8787", baseUrl()]]);
  const { stdout } = await run(process.execPath, [file], { cwd: project.dir, timeout: 30_000 });
  console.log(stdout.trim());
  expect(stdout).toBe("0 alice { hello: 'world' }\n");
});

it("runs kafkajs' examples/ admin, producer and consumer, their import lines changed, against https at HOST_IP:9094", async () => {
  // A loopback address of its own, so the examples' fixed port 9094 is free.
  const host = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-kafkajs-examples-"));
  const cluster = await startWranglerDev({
    port: 9094,
    ip: host,
    localProtocol: "https",
    persistTo,
    vars: { EDGELOG_AUTH: "off" },
  });
  const cwd = join(project.dir, "kafkajs-examples");
  // The examples read their CA from here; fetch cannot take it (the client logs so),
  // and NODE_TLS_REJECT_UNAUTHORIZED does what their `rejectUnauthorized: false` asks.
  await mkdir(join(cwd, "testHelpers/certs"), { recursive: true });
  await writeFile(join(cwd, "testHelpers/certs/cert-signed"), "wrangler's self-signed certificate\n");
  const env = { ...process.env, HOST_IP: host, NODE_TLS_REJECT_UNAUTHORIZED: "0", NODE_NO_WARNINGS: "1" };
  try {
    const { stdout: administered } = await run(process.execPath, ["admin.js"], { cwd, env, timeout: 60_000 });
    console.log(administered.trim());
    expect(administered).toContain("Topics: topic-test1 => 3 part, topic-test2 => 4 part, topic-test3 => 5 part");
    const produced = await runUntil(
      ["producer.js"],
      { cwd, env, timeoutMs: 30_000 },
      /Messages sent #0[\s\S]*msgNumber/,
    );
    console.log(produced.split("\n").slice(0, 12).join("\n"));
    const consumed = await runUntil(["consumer.js"], { cwd, env, timeoutMs: 30_000 }, /value: 'value-\d+-/);
    console.log(consumed.split("\n").slice(0, 14).join("\n"));
    expect(consumed).toMatch(/topic: 'topic-test',\s+partition: 0,\s+offset: '0',/);
    expect(consumed).toMatch(/headers: \{ 'correlation-id': '\d+-\d+' \},\s+key: 'key-\d+',/);
  } finally {
    await cluster.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
});
