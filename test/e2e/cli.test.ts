// The real `edgelog` binary (package.json's bin, built by scripts/build-cli.mjs) run
// as a user would: topics, produce from stdin, consume back (rpk's flags, with and
// without a group), groups describe with lag, offsets, tokens, a closed pipe.

import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { keepsNumbers } from "../../src/protocol/json-numbers.js";
import { baseUrl, call, createTopic, produce, uniqueTopic } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";
import { serverHasIdempotence } from "./sdk.js";
import { tcpProxy } from "./tcp-proxy.js";

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

function edgelog(args: string[], stdin = "", env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, EDGELOG_URL: baseUrl(), ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function ok(args: string[], stdin = "", env: Record<string, string> = {}): Promise<Run> {
  const run = await edgelog(args, stdin, env);
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

    const two = await ok(["consume", topic, "-g", group, "-n", "2", "-f", "value"]);
    expect(two.stdout.split("\n").filter(Boolean)).toHaveLength(2);
    expect(two.stdout).toMatch(/^raw (one|two|three)$/m);
    expect((await ok(["groups", "describe", group, "--json"])).stdout).toContain('"lag":1');
    expect((await ok(["groups", "list"])).stdout.split("\n")).toContain(group);

    const reset = await ok(["groups", "reset-offsets", group, "--topic", topic, "--to-earliest"]);
    expect(reset.stdout).toMatch(new RegExp(`^${topic}\\s+0\\s+0$`, "m"));
    expect((await ok(["groups", "describe", group])).stdout).toMatch(/^lag: 53$/m);
    const kv = await ok(["consume", topic, "-o", "start", "-f", "kv", "-k", "="]);
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
    const consumed = await ok(["consume", topic, "-f", "value"]);
    expect(consumed.stdout.split("\n").filter(Boolean)).toEqual(lines);
  });

  it("reads partitions rpk-style without a group: -p, -o N, -N, @ms, @ISO time, end, -n and -f templates", async () => {
    const topic = uniqueTopic("cli-offsets");
    await createTopic(topic, 2, { retentionMs: -1 });
    // Record n of each partition is stamped T0 + n seconds.
    const T0 = 1_700_000_000_000;
    for (const partition of [0, 1]) {
      const records = Array.from({ length: 10 }, (_, n) => ({
        partition,
        key: `k${n}`,
        value: `p${partition}-${n}`,
        timestamp: T0 + n * 1_000,
      }));
      expect((await produce(topic, records)).status).toBe(200);
    }
    const read = async (...args: string[]) =>
      (await ok(["consume", topic, "-f", "%p:%o:%v", ...args])).stdout.split("\n").filter(Boolean);
    expect(await read()).toHaveLength(20);
    expect(await read("-p", "1", "-o", "3", "-n", "2")).toEqual(["1:3:p1-3", "1:4:p1-4"]);
    expect((await read("-o", "-2")).sort()).toEqual(["0:8:p0-8", "0:9:p0-9", "1:8:p1-8", "1:9:p1-9"]);
    expect(await read("-p", "0", "-o", `@${T0 + 7_000}`)).toEqual(["0:7:p0-7", "0:8:p0-8", "0:9:p0-9"]);
    expect(await read("-p", "1", "-o", `@${new Date(T0 + 8_500).toISOString()}`)).toEqual(["1:9:p1-9"]);
    expect(await read("-p", "0,1", "-o", "50")).toEqual([]);
    const atEnd = await ok(["consume", topic, "-o", "end"]);
    expect(atEnd.stdout).toBe("");
    expect(atEnd.stderr).toMatch(/^consumed 0 records from /m);
    const one = await ok(["consume", topic, "-p", "0", "-n", "1", "-f", "%t %k=%v %d %h\\n"]);
    expect(one.stdout).toBe(`${topic} k0=p0-0 ${T0} {}\n`);
    expect(one.stderr).toMatch(/^consumed 1 record from /m);
    const json = JSON.parse((await ok(["consume", topic, "-p", "1", "-o", "-1"])).stdout);
    expect(json).toEqual({
      topic,
      partition: 1,
      offset: 9,
      timestamp: T0 + 9_000,
      key: "k9",
      value: "p1-9",
      headers: {},
    });

    const offsets = await ok(["offsets", topic, "--time", new Date(T0 + 4_000).toISOString()]);
    expect(offsets.stdout).toMatch(/^0\s+0\s+10\s+4\s+2023-11-14T22:13:24.000Z$/m);
    expect(offsets.stdout).toMatch(/^1\s+0\s+10\s+4\s+2023-11-14T22:13:24.000Z$/m);
    // Reading without a group leaves no group behind.
    const groups = (await call("GET", "/v1/groups")).body.groups as { groupId: string }[];
    expect(groups.filter((g) => g.groupId.startsWith("edgelog-cli"))).toEqual([]);

    const badOffset = await edgelog(["consume", topic, "-o", "soon"]);
    expect(badOffset.code).toBe(1);
    expect(badOffset.stderr).toMatch(
      /^edgelog: --offset is start, end, an offset N, -N \(the last N\), @<ms> or @<ISO time>/,
    );
    const badPartition = await edgelog(["consume", topic, "-p", "5"]);
    expect(badPartition.stderr).toContain(`topic ${topic} has partitions 0 to 1, not 5`);
    const badTemplate = await edgelog(["consume", topic, "-f", "%q"]);
    expect(badTemplate.stderr).toContain('--format: "%q" is not one of');
  });

  it("changes a topic's config and reads a new group's hint", async () => {
    const topic = uniqueTopic("cli-alter");
    await ok(["topics", "create", topic]);
    const altered = await ok(["topics", "alter-config", topic, "--retention-ms", "60000", "--follower-fetch", "true"]);
    expect(altered.stdout).toBe(`topic ${topic}: retentionMs=60000 followerFetch=true\n`);
    expect(JSON.parse((await ok(["topics", "describe", topic, "--json"])).stdout).config).toMatchObject({
      retentionMs: 60_000,
      followerFetch: true,
    });
    expect((await edgelog(["topics", "alter-config", topic])).stderr).toContain("give at least one setting");
    const compacted = uniqueTopic("cli-compact");
    await ok(["topics", "create", compacted, "--cleanup-policy", "compact", "--min-cleanable-dirty-ratio", "0.2"]);
    const both = await ok([
      "topics",
      "alter-config",
      compacted,
      "--cleanup-policy",
      "compact,delete",
      "--delete-retention-ms",
      "5000",
    ]);
    expect(both.stdout).toBe(`topic ${compacted}: cleanupPolicy="compact,delete" deleteRetentionMs=5000\n`);
    expect(JSON.parse((await ok(["topics", "describe", compacted, "--json"])).stdout).config).toMatchObject({
      cleanupPolicy: "compact,delete",
      minCleanableDirtyRatio: 0.2,
      deleteRetentionMs: 5_000,
    });
    expect(
      (await edgelog(["topics", "create", uniqueTopic("cli-bad"), "--min-cleanable-dirty-ratio", "2"])).stderr,
    ).toContain("--min-cleanable-dirty-ratio must be 0..1");
    await ok(["produce", topic, ...(await produceFlags())], "one\n");
    const group = uniqueTopic("cli-fresh");
    const fresh = await ok(["consume", topic, "-g", group]);
    expect(fresh.stdout).toBe("");
    expect(fresh.stderr).toContain(`group ${group} starts at the end; use -o start\n`);
    // The advice works: the group did not keep the end offsets of the run that read nothing.
    expect((await ok(["consume", topic, "-g", group, "-o", "start", "-f", "value"])).stdout).toBe("one\n");
    expect((await ok(["groups", "describe", group])).stdout).toMatch(/^lag: 0$/m);
  });

  it("reads with a consume:-only token, creating nothing on the server; tokens create, list and delete", async () => {
    const ROOT = "cli-root-token";
    const cluster = await startOwnCluster("cli-token", { EDGELOG_ADMIN_TOKEN: ROOT });
    try {
      const root = { EDGELOG_URL: cluster.url, EDGELOG_TOKEN: ROOT };
      await ok(["topics", "create", "orders", "-p", "2"], "", root);
      await ok(["produce", "orders"], "a\nb\nc\n", root);
      const created = JSON.parse(
        (await ok(["tokens", "create", "reader", "-s", "consume:orders", "--json"], "", root)).stdout,
      );
      expect(created.token).toMatch(/^elg_/);
      const listed = await ok(["tokens", "list"], "", root);
      expect(listed.stdout).toMatch(new RegExp(`^${created.id}\\s+reader\\s+consume:orders\\s+\\d{4}-`, "m"));
      expect(listed.stdout).not.toContain(created.token);

      const reader = { EDGELOG_URL: cluster.url, EDGELOG_TOKEN: created.token };
      const read = await ok(["consume", "orders", "-f", "value"], "", reader);
      expect(read.stdout.split("\n").filter(Boolean).sort()).toEqual(["a", "b", "c"]);
      expect((await ok(["consume", "orders", "-o", "-1", "-n", "1"], "", reader)).stdout).toMatch(
        /^\{"topic":"orders"/,
      );
      expect((await ok(["groups", "list"], "", root)).stdout).toBe("");
      const inGroup = await edgelog(["consume", "orders", "-g", "billing"], "", reader);
      expect(inGroup.code).toBe(1);
      expect(inGroup.stderr).toMatch(/^edgelog: GROUP_AUTHORIZATION_FAILED: /);

      expect((await ok(["tokens", "delete", created.id], "", root)).stdout).toBe(`deleted token ${created.id}\n`);
      const revoked = await edgelog(["consume", "orders"], "", reader);
      expect(revoked.code).toBe(1);
      expect(revoked.stderr).toMatch(/^edgelog: SASL_AUTHENTICATION_FAILED: /);
    } finally {
      await cluster.stop();
    }
  });

  it("ends quietly with status 0 when its output pipe closes, and leaves its group", async () => {
    const topic = uniqueTopic("cli-pipe");
    const group = uniqueTopic("cli-pipe-group");
    await ok(["topics", "create", topic]);
    // Far more than a pipe's buffer, so the writes after head exits fail with EPIPE.
    const lines = Array.from({ length: 20_000 }, (_, n) => `line ${n}`);
    await ok(["produce", topic, "--linger-ms", "1", ...(await produceFlags())], lines.join("\n"));
    for (const extra of [[], ["-g", group, "-o", "start"]]) {
      const run = await shell(
        `set -o pipefail; "${process.execPath}" "${bin}" consume ${topic} -f value ${extra.join(" ")} | head -2`,
      );
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("line 0\nline 1\n");
      expect(run.code, "the pipeline's status is edgelog's").toBe(0);
    }
    const described = JSON.parse((await ok(["groups", "describe", group, "--json"])).stdout);
    expect(described).toMatchObject({ state: "Empty", members: [] });
  });

  it("says once that the server is unreachable while following, and resumes when it is back", async () => {
    const topic = uniqueTopic("cli-reconnect");
    await createTopic(topic);
    const proxy = await tcpProxy(Number(new URL(baseUrl()).port));
    try {
      const child = spawn(process.execPath, [bin, "consume", topic, "--follow", "-f", "value", "-n", "2"], {
        env: { ...process.env, EDGELOG_URL: proxy.url },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      await produce(topic, [{ value: "before" }]);
      await until(() => stdout.includes("before"), "the first record");
      proxy.cut();
      const waiting = `waiting for ${proxy.url} (NETWORK_EXCEPTION), retrying`;
      await until(() => stderr.includes(waiting), "the waiting message");
      await produce(topic, [{ value: "after" }]);
      await proxy.restore();
      expect(await exited).toBe(0);
      expect(stdout).toBe("before\nafter\n");
      expect(stderr.split(waiting)).toHaveLength(2);
      expect(stderr).toContain(`connected to ${proxy.url} again`);
      expect(stderr).toMatch(/^consumed 2 records from /m);
    } finally {
      proxy.close();
    }
  });
});

function shell(script: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { env: { ...process.env, EDGELOG_URL: baseUrl() } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Polls `condition` every 50 ms for at most 30 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
