import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Clock } from "../../src/common/clock.js";
import { groupStub } from "../../src/group/group-stubs.js";
import type { Assignment, HeartbeatRequest } from "../../src/protocol/group.js";
import { DEFAULT_TOPIC_CONFIG } from "../../src/protocol/topic.js";
import { ManualClock } from "../manual-clock.js";

let next = 0;

/** A topic of its own with `partitions` partitions, created through the catalog. */
export async function createdTopic(partitions: number): Promise<string> {
  const name = `grp-${next++}-${crypto.randomUUID().slice(0, 8)}`;
  const catalog = env.CATALOG.get(env.CATALOG.idFromName("catalog"));
  const created = await catalog.createTopic(name, partitions, DEFAULT_TOPIC_CONFIG);
  if (!created.ok) throw new Error(created.error.message);
  return name;
}

export function newGroup() {
  const groupId = `g-${next++}-${crypto.randomUUID().slice(0, 8)}`;
  return { groupId, stub: groupStub(env, groupId) };
}

type Stub = ReturnType<typeof groupStub>;

/** A heartbeat that must succeed. */
export async function beat(stub: Stub, groupId: string, request: HeartbeatRequest) {
  const reply = await stub.heartbeat(groupId, request);
  if (!reply.ok) throw new Error(`heartbeat: ${JSON.stringify(reply.error)}`);
  return reply;
}

export async function described(stub: Stub) {
  const reply = await stub.describe();
  if (!reply.ok) throw new Error(`describe: ${JSON.stringify(reply.error)}`);
  return reply.description;
}

export function count(assignment: Assignment): number {
  return Object.values(assignment).reduce((n, ps) => n + ps.length, 0);
}

export function keysOf(assignment: Assignment): string[] {
  return Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}:${p}`));
}

/** Gives the group's coordinator a clock that moves only when the test says. */
export async function manualClock(stub: Stub): Promise<ManualClock> {
  const clock = new ManualClock(Date.now());
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { clock: Clock }).clock = clock;
  });
  return clock;
}
