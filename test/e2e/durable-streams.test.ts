// The Durable Streams conformance suite (the upstream package, pinned) against a
// wrangler dev of this test's own. Cases that cannot map onto Kafka's model are
// skipped by their full name, each with its reason (SKIPPED).

import { runConformanceTests } from "@durable-streams/server-conformance-tests";
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { startOwnCluster } from "./own-cluster.js";

const FORK =
  "forks (Stream-Forked-From) share the source's history up to an offset and diverge after it: copy-on-write " +
  "history that a Kafka topic has no counterpart for; a PUT that asks for one is refused with 400";

/** Full name (the suite's names and the case's, joined by " > ") -> why it cannot map. */
const SKIPPED: ReadonlyMap<string, string> = new Map([
  ["Fork - Creation > should fork at current head (default)", FORK],
  ["Fork - Creation > should fork at a specific offset", FORK],
  ["Fork - Creation > should fork at zero offset (empty inherited data)", FORK],
  ["Fork - Creation > should fork at head offset (all source data inherited)", FORK],
  ["Fork - Creation > should return 404 when forking a nonexistent stream", FORK],
  ["Fork - Creation > should return 400 when forking at offset beyond stream length", FORK],
  ["Fork - Creation > should return 409 when forking to path already in use with different config", FORK],
  ["Fork - Creation > should fork a closed stream \u2014 fork starts open", FORK],
  ["Fork - Creation > should fork an empty stream", FORK],
  ["Fork - Creation > should fork preserving content-type when specified", FORK],
  ["Fork - Creation > should fork inheriting content-type when header omitted", FORK],
  ["Fork - Creation > should fork at a binary sub-offset within an append", FORK],
  ["Fork - Creation > should fork at a JSON sub-offset within a flattened batch", FORK],
  ["Fork - Creation > should treat sub-offset 0 as equivalent to absent header", FORK],
  ["Fork - Creation > should return 400 when binary sub-offset overshoots message length", FORK],
  ["Fork - Creation > should return 400 when JSON sub-offset overshoots message count", FORK],
  ["Fork - Creation > should return 400 for malformed sub-offset values", FORK],
  ["Fork - Creation > should be idempotent when re-creating with matching sub-offset", FORK],
  ["Fork - Creation > should return 409 when re-creating with mismatched sub-offset", FORK],
  ["Fork - Creation > should be idempotent when re-creating a JSON fork with matching sub-offset", FORK],
  ["Fork - Creation > should return 409 when re-creating a JSON fork with mismatched sub-offset", FORK],
  ["Fork - Creation > should support appending to fork after sub-offset boundary", FORK],
  ["Fork - Creation > should inherit content-type when sub-offset is supplied without explicit Content-Type", FORK],
  ["Fork - Creation > should not inherit producer state across sub-offset fork boundary", FORK],
  ["Fork - Creation > should not inherit producer state across binary sub-offset fork boundary", FORK],
  ["Fork - Creation > should fork at a binary sub-offset anchored mid-stream", FORK],
  ["Fork - Creation > should return 400 when sub-offset > 0 is supplied without Stream-Fork-Offset", FORK],
  [
    "Fork - Creation > should return 400 when Stream-Fork-Sub-Offset is supplied without Stream-Forked-From (even when value is 0)",
    FORK,
  ],
  [
    "Fork - Creation > should return a Stream-Next-Offset on sub-offset fork creation that is consumable by reads",
    FORK,
  ],
  ["Fork - Creation > should return 400 when sub-offset is supplied on an empty source stream", FORK],
  ["Fork - Creation > should accept binary sub-offset equal to message length", FORK],
  ["Fork - Creation > should accept JSON sub-offset equal to flattened message count", FORK],
  ["Fork - Creation > should append initial body after the materialized sub-offset prefix", FORK],
  ["Fork - Creation > should allow sub-offset fork creation from a closed source stream", FORK],
  ["Fork - Reading > should read entire fork (source + fork data)", FORK],
  ["Fork - Reading > should read only inherited portion", FORK],
  ["Fork - Reading > should read only fork's own data (starting past fork offset)", FORK],
  ["Fork - Reading > should read across fork boundary", FORK],
  ["Fork - Reading > should not show source appends after fork", FORK],
  ["Fork - Reading > should NOT include fork headers on HEAD/GET/PUT responses (forks are transparent)", FORK],
  ["Fork - Appending > should append to a fork", FORK],
  ["Fork - Appending > should support idempotent producer on fork", FORK],
  ["Fork - Appending > should close forked stream independently", FORK],
  ["Fork - Appending > should not affect fork when source is closed", FORK],
  ["Fork - Appending > should append to source after fork \u2014 source independent", FORK],
  ["Fork - Recursive > should create a three-level fork chain", FORK],
  ["Fork - Recursive > should fork at mid-point of inherited data", FORK],
  ["Fork - Recursive > should read correctly across three levels", FORK],
  ["Fork - Recursive > should append at each level independently", FORK],
  ["Fork - Recursive > should compose sub-offsets across chained forks", FORK],
  ["Fork - Live Modes > should return inherited data immediately on long-poll", FORK],
  ["Fork - Live Modes > should wait for fork appends, not source appends, on long-poll at tail", FORK],
  ["Fork - Live Modes > should stream fork data via SSE", FORK],
  ["Fork - Live Modes > should handle long-poll handover at fork offset", FORK],
  ["Fork - Deletion and Lifecycle > should delete fork without affecting source", FORK],
  ["Fork - Deletion and Lifecycle > should soft-delete source while fork exists \u2014 fork still reads", FORK],
  ["Fork - Deletion and Lifecycle > should block re-creation of soft-deleted source (PUT returns 409)", FORK],
  ["Fork - Deletion and Lifecycle > should return 410 for GET on soft-deleted source", FORK],
  ["Fork - Deletion and Lifecycle > should return 410 for POST on soft-deleted source", FORK],
  ["Fork - Deletion and Lifecycle > should return 410 for DELETE on soft-deleted source", FORK],
  ["Fork - Deletion and Lifecycle > should return 409 for fork from soft-deleted source", FORK],
  ["Fork - Deletion and Lifecycle > should return 409 for fork with content-type mismatch", FORK],
  ["Fork - Deletion and Lifecycle > rejected fork (content-type mismatch) does not leak a source reference", FORK],
  ["Fork - Deletion and Lifecycle > should cascade GC when last fork is deleted", FORK],
  ["Fork - Deletion and Lifecycle > should cascade GC through three levels", FORK],
  ["Fork - Deletion and Lifecycle > should preserve data when deleting middle of chain", FORK],
  ["Fork - Deletion and Lifecycle > should keep source alive when all forks are deleted", FORK],
  ["Fork - TTL and Expiry > should inherit source expiry when none specified", FORK],
  ["Fork - TTL and Expiry > should allow fork with shorter TTL", FORK],
  ["Fork - TTL and Expiry > should expire fork based on TTL (releases refcount)", FORK],
  ["Fork - TTL and Expiry > should expire source with living forks (source goes 410)", FORK],
  ["Fork - TTL and Expiry > should inherit source TTL value when none specified", FORK],
  ["Fork - TTL and Expiry > should use fork's own TTL when specified", FORK],
  ["Fork - TTL and Expiry > should allow fork to outlive source via TTL renewal", FORK],
  ["Fork - TTL and Expiry > should allow fork Expires-At beyond source TTL expiry", FORK],
  ["Fork - TTL and Expiry > should allow fork TTL longer than source TTL (no capping)", FORK],
  ["Fork - JSON Mode > should fork a JSON stream", FORK],
  ["Fork - JSON Mode > should read forked JSON across boundary", FORK],
  ["Fork - Edge Cases > should handle fork then immediately delete source", FORK],
  ["Fork - Edge Cases > should handle many forks of same stream (10 forks)", FORK],
  ["Fork - Edge Cases > should fork at every offset position", FORK],
  ["Fork - Edge Cases > should handle idempotent fork creation (PUT twice)", FORK],
]);

const config = { baseUrl: "", longPollTimeoutMs: 10_000 };
let cluster: Cluster | undefined;

beforeAll(async () => {
  cluster = await startOwnCluster("streams", { EDGELOG_AUTH: "off", EDGELOG_CORS_ORIGINS: "*" });
  config.baseUrl = cluster.url;
});
afterAll(async () => await cluster?.stop());

const SUITE = "Durable Streams conformance";
const met = new Set<string>();

beforeEach((context) => {
  const names: string[] = [];
  for (let task: { name: string; suite?: unknown } | undefined = context.task; task && task.name !== SUITE; ) {
    names.unshift(task.name);
    task = task.suite as typeof task;
  }
  const reason = SKIPPED.get(names.join(" > "));
  if (reason === undefined) return;
  met.add(names.join(" > "));
  context.skip(reason);
});

// A skip whose case the suite no longer has would hide nothing; it must go.
afterAll(() => expect([...SKIPPED.keys()].filter((name) => !met.has(name))).toEqual([]));

describe(SUITE, () => runConformanceTests(config));
