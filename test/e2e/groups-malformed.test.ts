// Malformed and refused group requests: each gets its 4xx status and error code, and
// none of them changes the group (members, epochs, assignment, committed offsets).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeGroup, GroupMember, settle } from "./group-client.js";
import { call, createTopic, uniqueTopic } from "./http.js";

type Method = "GET" | "POST" | "DELETE";

interface Case {
  name: string;
  method: Method;
  path: string;
  body?: unknown;
  status: number;
  code: string;
}

const TOPIC = uniqueTopic("gmalformed");
const GROUP = uniqueTopic("gmalformed");
const NEVER = uniqueTopic("never-used");
const at = (suffix: string) => `/v1/groups/${GROUP}${suffix}`;
let member: GroupMember;
let before: unknown;

function snapshotOf(
  described: { members: unknown; groupEpoch: number; assignmentEpoch: number; state: string },
  offsets: unknown,
) {
  return {
    members: described.members,
    groupEpoch: described.groupEpoch,
    assignmentEpoch: described.assignmentEpoch,
    state: described.state,
    offsets,
  };
}

async function snapshot() {
  const described = (await describeGroup(GROUP)).body;
  return snapshotOf(
    described,
    (await call("GET", at("/offsets"))).body.offsets.map(
      ({ commitTimestamp: _, highWatermark: __, lag: ___, ...o }: Record<string, unknown>) => o,
    ),
  );
}

beforeAll(async () => {
  await createTopic(TOPIC, 2);
  member = await GroupMember.join(GROUP, [TOPIC]);
  await settle([member]);
  expect((await member.commit([{ topic: TOPIC, partition: 0, offset: 1 }])).status).toBe(200);
  before = await snapshot();
});

function cases(): Case[] {
  const id = member.memberId;
  const epoch = member.memberEpoch;
  const hb = (
    body: unknown,
    status = 400,
    code = "INVALID_REQUEST",
    name = JSON.stringify(body).slice(0, 80),
  ): Case => ({
    name: `heartbeat ${name}`,
    method: "POST",
    path: at("/heartbeat"),
    body,
    status,
    code,
  });
  const commit = (
    offsets: unknown,
    status = 400,
    code = "INVALID_REQUEST",
    extra: Record<string, unknown> = {},
  ): Case => ({
    name: `commit ${JSON.stringify({ offsets, ...extra }).slice(0, 80)}`,
    method: "POST",
    path: at("/offsets"),
    body: { memberId: id, memberEpoch: epoch, offsets, ...extra },
    status,
    code,
  });
  const fetch = (extra: Record<string, unknown>, status = 400, code = "INVALID_REQUEST"): Case => ({
    name: `group fetch ${JSON.stringify(extra).slice(0, 80)}`,
    method: "POST",
    path: at("/fetch"),
    body: { memberId: id, memberEpoch: epoch, ...extra },
    status,
    code,
  });
  const reset = (body: unknown, status = 400, code = "INVALID_REQUEST"): Case => ({
    name: `reset ${JSON.stringify(body).slice(0, 80)}`,
    method: "POST",
    path: at("/offsets/reset"),
    body,
    status,
    code,
  });
  return [
    hb("{not json"),
    hb([]),
    hb({ memberId: id, memberEpoch: epoch, extra: 1 }),
    hb({ memberId: id, memberEpoch: -2 }),
    hb({ memberId: id, memberEpoch: epoch, clientId: "" }),
    hb({ memberId: id, memberEpoch: epoch, clientId: "x".repeat(256) }, 400, "INVALID_REQUEST", "clientId of 256"),
    hb({ memberId: id, memberEpoch: epoch, clientId: "tab\there" }),
    hb({ memberId: id, memberEpoch: epoch, clientId: "caf\u00e9" }),
    hb({ memberId: id, memberEpoch: epoch, clientId: 7 }),
    hb({ memberId: id, memberEpoch: 1.5 }),
    hb({ memberId: id, memberEpoch: "1" }),
    hb({ memberEpoch: 3 }),
    hb({ memberEpoch: 0 }),
    hb({ memberEpoch: 0, topics: [] }),
    hb({ memberEpoch: 0, topics: [TOPIC, TOPIC] }),
    hb({ memberEpoch: 0, topics: "orders" }),
    hb({ memberEpoch: 0, topics: ["bad name"] }, 400, "INVALID_TOPIC_EXCEPTION"),
    hb({ memberEpoch: 0, topics: [TOPIC], sessionTimeoutMs: 999 }),
    hb({ memberEpoch: 0, topics: [TOPIC], sessionTimeoutMs: 300_001 }),
    hb({ memberEpoch: 0, topics: [TOPIC], rebalanceTimeoutMs: -1 }),
    hb({ memberEpoch: 0, memberId: "has space", topics: [TOPIC] }),
    hb({ memberEpoch: 0, memberId: "x".repeat(65), topics: [TOPIC] }),
    hb({ memberId: id, memberEpoch: epoch, ownedPartitions: { [TOPIC]: [-1] } }),
    hb({ memberId: id, memberEpoch: epoch, ownedPartitions: { [TOPIC]: [0, 0] } }),
    hb({ memberId: id, memberEpoch: epoch, ownedPartitions: { [TOPIC]: "0" } }),
    hb({ memberId: id, memberEpoch: epoch, ownedPartitions: { "a/b": [0] } }, 400, "INVALID_TOPIC_EXCEPTION"),
    hb({ memberId: "not-a-member", memberEpoch: 1 }, 409, "UNKNOWN_MEMBER_ID"),
    hb({ memberId: "not-a-member", memberEpoch: -1 }, 409, "UNKNOWN_MEMBER_ID"),
    hb({ memberId: id, memberEpoch: epoch + 5 }, 409, "FENCED_MEMBER_EPOCH"),
    {
      name: "heartbeat with a bad group id",
      method: "POST",
      path: "/v1/groups/bad$group/heartbeat",
      body: { memberEpoch: 0, topics: [TOPIC] },
      status: 400,
      code: "INVALID_REQUEST",
    },
    {
      name: "heartbeat with a group id over 249 characters",
      method: "POST",
      path: `/v1/groups/${"g".repeat(250)}/heartbeat`,
      body: { memberEpoch: 0, topics: [TOPIC] },
      status: 400,
      code: "INVALID_REQUEST",
    },
    commit([]),
    commit([{ topic: TOPIC, partition: 0, offset: -1 }]),
    commit([{ topic: TOPIC, partition: 0, offset: 1.5 }]),
    commit([{ topic: TOPIC, partition: -1, offset: 1 }]),
    commit([{ topic: TOPIC, partition: 0, offset: 1, metadata: "m".repeat(4_097) }]),
    commit([{ topic: TOPIC, partition: 0, offset: 1, metadata: 7 }]),
    commit([
      { topic: TOPIC, partition: 1, offset: 1 },
      { topic: TOPIC, partition: 1, offset: 2 },
    ]),
    commit([{ topic: TOPIC, partition: 0, offset: 5, leaderEpoch: 0 }]),
    commit([{ topic: "bad$topic", partition: 0, offset: 5 }], 400, "INVALID_TOPIC_EXCEPTION"),
    commit([{ topic: TOPIC, partition: 9, offset: 5 }], 404, "UNKNOWN_TOPIC_OR_PARTITION"),
    commit([{ topic: uniqueTopic("absent"), partition: 0, offset: 5 }], 404, "UNKNOWN_TOPIC_OR_PARTITION"),
    commit([{ topic: TOPIC, partition: 0, offset: 5 }], 409, "FENCED_MEMBER_EPOCH", { memberEpoch: epoch + 1 }),
    commit([{ topic: TOPIC, partition: 0, offset: 5 }], 409, "STALE_MEMBER_EPOCH", { memberEpoch: epoch - 1 }),
    commit([{ topic: TOPIC, partition: 0, offset: 5 }], 409, "UNKNOWN_MEMBER_ID", { memberId: "nobody" }),
    fetch({ maxWaitMs: 30_001 }),
    fetch({ maxRecords: 0 }),
    fetch({ autoOffsetReset: "none" }),
    fetch({ encoding: "hex" }),
    fetch({ partitions: [] }),
    fetch({ commit: [{ topic: TOPIC, partition: 0, offset: -5 }] }),
    fetch({ commit: [{ topic: TOPIC, partition: 0, offset: 5 }], memberEpoch: epoch + 1 }, 409, "FENCED_MEMBER_EPOCH"),
    fetch({ commit: [{ topic: TOPIC, partition: 0, offset: 5 }], memberId: "nobody" }, 409, "UNKNOWN_MEMBER_ID"),
    reset({ topic: TOPIC, to: "middle" }),
    reset({ topic: TOPIC, to: { offset: -1 } }),
    reset({ topic: TOPIC, to: { offset: 1, timestamp: 2 } }),
    reset({ topic: TOPIC }),
    reset({ topic: uniqueTopic("absent"), to: "earliest" }, 404, "UNKNOWN_TOPIC_OR_PARTITION"),
    reset({ topic: TOPIC, to: "earliest" }, 409, "NON_EMPTY_GROUP"),
    { name: "delete a group with members", method: "DELETE", path: at(""), status: 409, code: "NON_EMPTY_GROUP" },
    {
      name: "describe a group never used",
      method: "GET",
      path: `/v1/groups/${NEVER}`,
      status: 404,
      code: "GROUP_ID_NOT_FOUND",
    },
    {
      name: "offsets of a group never used",
      method: "GET",
      path: `/v1/groups/${NEVER}/offsets`,
      status: 404,
      code: "GROUP_ID_NOT_FOUND",
    },
    {
      name: "delete a group never used",
      method: "DELETE",
      path: `/v1/groups/${NEVER}`,
      status: 404,
      code: "GROUP_ID_NOT_FOUND",
    },
    { name: "an unknown group route", method: "POST", path: at("/join"), body: {}, status: 404, code: "NOT_FOUND" },
  ];
}

describe("malformed and refused group requests", () => {
  it("answers each with its status and code, and the error shape of every error", async () => {
    const failures: string[] = [];
    for (const c of cases()) {
      const reply = await call(c.method, c.path, c.body);
      const error = reply.body?.error;
      const retriable = c.code === "STALE_MEMBER_EPOCH";
      if (
        reply.status !== c.status ||
        error?.code !== c.code ||
        typeof error?.message !== "string" ||
        error?.retriable !== retriable
      ) {
        failures.push(`${c.name}: got ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  afterAll(async () => {
    // Nothing above changed the group; a never-used group was not created.
    expect(await snapshot()).toEqual(before);
    expect((await call("GET", "/v1/groups")).body.groups).not.toContainEqual({ groupId: NEVER });
  });
});
