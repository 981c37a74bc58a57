// The real `edgelog` binary (package.json's bin, built by scripts/build-cli.mjs) run
// as a user would: topics, produce from stdin, consume back, groups describe with lag.

import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { keepsNumbers } from "../../src/protocol/json-numbers.js";
import { baseUrl, call, uniqueTopic } from "./http.js";
import { serverHasIdempotence } from "./sdk.js";

const ROOT = new URL("../../", import.meta.url);
let bin = "";

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [new URL("scripts/build-cli.mjs", ROOT).pathname]);
  const { bin: bins } = JSON.parse(await readFile(new URL("package.json", ROOT), "utf8"));
  bin = new URL(bins.edgelog, ROOT).pathname;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function edgelog(args: string[], stdin = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, EDGELOG_URL: baseUrl() } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function ok(args: string[], stdin = ""): Promise<Run> {
  const run = await edgelog(args, stdin);
  expect(run.code, `edgelog ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run;
}

/** Until the server has the idempotent producer, produce without it. */
async function produceFlags(): Promise<string[]> {
  return (await serverHasIdempotence()) ? [] : ["--no-idempotence"];
}

describe("edgelog CLI", () => {
  it("creates, lists, describes and deletes topics, with clear errors", async () => {
    const topic = uniqueTopic("cli-topics");
    expect((await ok(["topics", "create", topic, "-p", "3"])).stdout).toContain(`created topic ${topic} (3 partitions`);
    expect((await ok(["topics", "list"])).stdout).toMatch(new RegExp(`^${topic}\\s+3\\s+1\\s+604800000$`, "m"));
    const described = await ok(["topics", "describe", topic, "--json"]);
    expect(JSON.parse(described.stdout).partitions).toHaveLength(3);
    expect((await ok(["topics", "describe", topic])).stdout).toMatch(/^2\s+0\s+0\s+0\s+0\s+0\s+0$/m);
    expect((await ok(["topics", "add-partitions", topic, "4"])).stdout).toContain("has 4 partitions");
    await ok(["topics", "delete", topic]);
    const missing = await edgelog(["topics", "describe", topic]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^edgelog: UNKNOWN_TOPIC_OR_PARTITION: topic .* does not exist/);
    const gone = await edgelog(["consume", topic]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^edgelog: UNKNOWN_TOPIC_OR_PARTITION: /);
    const usage = await edgelog(["topics", "create", topic, "-p", "many"]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("--partitions must be a non-negative integer");
  });

  it("produces stdin lines, consumes them back in a group, and groups describe shows the lag", async () => {
    const topic = uniqueTopic("cli-data");
    const group = uniqueTopic("cli-group");
    await ok(["topics", "create", topic, "-p", "2"]);
    const lines = Array.from({ length: 50 }, (_, n) => `user-${n % 5}:{"n":${n}}`);
    const produced = await ok(
      ["produce", topic, "--key-separator", ":", "--format", "json", ...(await produceFlags())],
      `${lines.join("\n")}\n`,
    );
    expect(produced.stderr).toMatch(new RegExp(`^produced 50 records to ${topic} in `, "m"));

    const consumed = await ok(["consume", topic, "--group", group, "--from-beginning"]);
    const records = consumed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.value.n).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, n) => n),
    );
    expect(records.find((r) => r.value.n === 7)).toMatchObject({ key: "user-2", topic, headers: {} });
    expect(consumed.stderr).toMatch(/consumed 50 records from /);

    await ok(["produce", topic, ...(await produceFlags())], "raw one\nraw two\nraw three\n");
    const lagging = await ok(["groups", "describe", group]);
    expect(lagging.stdout).toMatch(/^state: Empty$/m);
    expect(lagging.stdout).toMatch(/^lag: 3$/m);
    expect(lagging.stdout).toMatch(new RegExp(`^${topic}\\s+[01]\\s+\\d+\\s+\\d+\\s+[0-3]$`, "m"));

    const two = await ok(["consume", topic, "-g", group, "-n", "2", "-o", "value"]);
    expect(two.stdout.split("\n").filter(Boolean)).toHaveLength(2);
    expect(two.stdout).toMatch(/^raw (one|two|three)$/m);
    expect((await ok(["groups", "describe", group, "--json"])).stdout).toContain('"lag":1');
    expect((await ok(["groups", "list"])).stdout.split("\n")).toContain(group);

    const reset = await ok(["groups", "reset-offsets", group, "--topic", topic, "--to-earliest"]);
    expect(reset.stdout).toMatch(new RegExp(`^${topic}\\s+0\\s+0$`, "m"));
    expect((await ok(["groups", "describe", group])).stdout).toMatch(/^lag: 53$/m);
    const kv = await ok(["consume", topic, "--from-beginning", "-o", "kv", "-k", "="]);
    expect(kv.stdout).toContain('user-3={"n":8}');
    expect(kv.stdout).toContain("=raw two");
    await ok(["groups", "delete", group]);
    expect((await ok(["groups", "list"])).stdout.split("\n")).not.toContain(group);
  });

  it("produces --format json lines with their numbers as written, or refuses them where Node.js cannot", async () => {
    const topic = uniqueTopic("cli-numbers");
    await ok(["topics", "create", topic]);
    const flags = ["produce", topic, "--format", "json", ...(await produceFlags())];
    // Looks like numbers to change, but they are inside a string: sent by any Node.js.
    await ok(flags, `{"s":"took 1.50 s, 12345678901234567890 "}\n`);
    const lines = [`{"n":12345678901234567890}`, "[-0,1e400,1.0]"];
    const run = await edgelog(flags, lines.join("\n"));
    const fetched = await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=0`);
    const values = [`{"s":"took 1.50 s, 12345678901234567890 "}`, ...(keepsNumbers() ? lines : [])];
    const texts = values.map((v) => `"value":${v},`);
    expect(texts.filter((t) => fetched.text.includes(t))).toEqual(texts);
    expect(fetched.body.records).toHaveLength(values.length);
    if (keepsNumbers()) expect(run.code, run.stderr).toBe(0);
    else {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("line 1: 12345678901234567890 would be sent changed");
    }
  });

  it("keeps the order of stdin lines in a partition, across concurrent sends", async () => {
    const topic = uniqueTopic("cli-order");
    await ok(["topics", "create", topic]);
    const lines = Array.from({ length: 3_000 }, (_, n) => `line ${n}`);
    await ok(["produce", topic, "--linger-ms", "1", ...(await produceFlags())], lines.join("\n"));
    const consumed = await ok(["consume", topic, "-o", "value"]);
    expect(consumed.stdout.split("\n").filter(Boolean)).toEqual(lines);
  });
});
