// A consumer group member driven over HTTP for the e2e tests: it heartbeats, keeps its
// assignment, and releases revoked partitions when told to (ownedPartitions).

import { setTimeout as sleep } from "node:timers/promises";
import { call, type Reply } from "./http.js";

type Assignment = Record<string, number[]>;

export class GroupMember {
  memberEpoch = 0;
  heartbeatIntervalMs = 0;
  assignment: Assignment = {};

  private constructor(
    readonly group: string,
    readonly memberId: string,
  ) {}

  static async join(group: string, topics: string[], extra: Record<string, unknown> = {}): Promise<GroupMember> {
    const reply = await call("POST", `/v1/groups/${group}/heartbeat`, { memberEpoch: 0, topics, ...extra });
    if (reply.status !== 200) throw new Error(`join ${group}: ${reply.status} ${JSON.stringify(reply.body)}`);
    const member = new GroupMember(group, reply.body.memberId);
    member.update(reply);
    return member;
  }

  /** One heartbeat; with `release`, the member says it owns just its assignment. */
  async heartbeat(release = true): Promise<Reply> {
    const body = release
      ? { memberId: this.memberId, memberEpoch: this.memberEpoch, ownedPartitions: this.assignment }
      : { memberId: this.memberId, memberEpoch: this.memberEpoch };
    const reply = await call("POST", `/v1/groups/${this.group}/heartbeat`, body);
    if (reply.status === 200) this.update(reply);
    return reply;
  }

  async leave(): Promise<Reply> {
    return await call("POST", `/v1/groups/${this.group}/heartbeat`, { memberId: this.memberId, memberEpoch: -1 });
  }

  async commit(
    offsets: { topic: string; partition: number; offset: number; metadata?: string }[],
    epoch = this.memberEpoch,
  ) {
    return await call("POST", `/v1/groups/${this.group}/offsets`, {
      memberId: this.memberId,
      memberEpoch: epoch,
      offsets,
    });
  }

  /** The group fetch; commits `commit` first. */
  async fetch(body: Record<string, unknown> = {}): Promise<Reply> {
    const reply = await call("POST", `/v1/groups/${this.group}/fetch`, {
      memberId: this.memberId,
      memberEpoch: this.memberEpoch,
      ...body,
    });
    if (reply.status === 200) {
      this.memberEpoch = reply.body.memberEpoch;
      this.assignment = reply.body.assignment;
    }
    return reply;
  }

  count(): number {
    return Object.values(this.assignment).reduce((n, ps) => n + ps.length, 0);
  }

  /** Heartbeats as a consumer does until `stop()`: every heartbeatIntervalMs, and at
   * once after its assignment changed (to release what was revoked). */
  async heartbeatLoop(stop: () => boolean): Promise<void> {
    for (let beats = 0; !stop() && beats < 1_000; beats++) {
      const before = JSON.stringify(this.assignment);
      await this.heartbeat();
      if (JSON.stringify(this.assignment) === before) await sleep(this.heartbeatIntervalMs);
    }
  }

  private update(reply: Reply): void {
    this.memberEpoch = reply.body.memberEpoch;
    this.heartbeatIntervalMs = reply.body.heartbeatIntervalMs;
    this.assignment = reply.body.assignment;
  }
}

export async function describeGroup(group: string): Promise<Reply> {
  return await call("GET", `/v1/groups/${group}`);
}

/** Heartbeats (releasing) every member in rounds until the group is Stable. */
export async function settle(members: readonly GroupMember[], maxRounds = 20): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    await Promise.all(members.map((m) => m.heartbeat()));
    const { body } = await describeGroup(members[0]!.group);
    if (body.state === "Stable") return round;
  }
  throw new Error(`group ${members[0]!.group} not Stable after ${maxRounds} rounds`);
}

/** Polls `check` every `intervalMs` until it holds, for at most `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export function keys(assignment: Assignment): string[] {
  return Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}:${p}`));
}
