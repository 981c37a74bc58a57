// A member's clientId (from its heartbeats) and clientHost (from the router): stored
// with the member, shown by describe, kept across a restart, and added as empty
// columns to a members table made before they existed.

import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GroupStore } from "../../src/group/group-store.js";
import { groupStub } from "../../src/group/group-stubs.js";
import { createdTopic, described, newGroup } from "./group-helpers.js";

describe("member client id and host", () => {
  it("keeps the clientId until another is sent, and the host of the join, across a restart", async () => {
    const topic = await createdTopic(1);
    const { groupId, stub } = newGroup();
    const joined = await stub.heartbeat(
      groupId,
      { memberEpoch: 0, topics: [topic], clientId: "billing-1" },
      "203.0.113.9",
    );
    if (!joined.ok) throw new Error(joined.error.message);
    const member = () => described(stub).then((d) => d.members[0]);
    await expect(member()).resolves.toMatchObject({ clientId: "billing-1", clientHost: "203.0.113.9" });
    await stub.heartbeat(groupId, { memberId: joined.memberId, memberEpoch: joined.memberEpoch }, "198.51.100.1");
    await expect(member()).resolves.toMatchObject({ clientId: "billing-1", clientHost: "203.0.113.9" });
    await stub.heartbeat(groupId, {
      memberId: joined.memberId,
      memberEpoch: joined.memberEpoch,
      clientId: "billing-2",
    });
    await abortAllDurableObjects();
    await expect(described(groupStub(env, groupId)).then((d) => d.members[0])).resolves.toMatchObject({
      memberId: joined.memberId,
      clientId: "billing-2",
      clientHost: "203.0.113.9",
    });
  });

  it("adds the columns, empty, to a members table from before them", async () => {
    const { stub } = newGroup();
    const members = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE members");
      sql.exec(`CREATE TABLE members (member_id TEXT PRIMARY KEY, member_epoch INTEGER NOT NULL,
        previous_member_epoch INTEGER NOT NULL, topics TEXT NOT NULL, session_timeout_ms INTEGER NOT NULL,
        rebalance_timeout_ms INTEGER NOT NULL, assigned TEXT NOT NULL, revoking TEXT NOT NULL, target TEXT NOT NULL)`);
      sql.exec("INSERT INTO members VALUES ('old', 1, 0, '[\"t\"]', 45000, 300000, '[]', '[]', '[]')");
      return new GroupStore(sql).members();
    });
    expect(members).toMatchObject([{ memberId: "old", clientId: "", clientHost: "" }]);
  });
});
