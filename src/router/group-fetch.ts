// POST /v1/groups/{group}/fetch, for stateless members (edge functions, cron jobs,
// browsers) that keep no positions: commit what the member processed, then long-poll
// its assigned partitions from their committed offsets. At-least-once: records not
// committed come again on the next call.

import { groupStub } from "../group/group-stubs.js";
import { errorBody, unwrap } from "../protocol/errors.js";
import { groupFetchBodySchema } from "../protocol/group-schemas.js";
import type { AppContext } from "./context.js";
import { jsonText } from "./fetch.js";
import { checkTopicNames } from "./group-input.js";
import { longPoll, type PartitionAnswer } from "./long-poll.js";
import { jsonBody, parseWith } from "./parse-input.js";
import { tagRecords } from "./tag-records.js";

export async function groupFetch(c: AppContext, groupId: string): Promise<Response> {
  const limits = c.get("limits");
  const body = parseWith(groupFetchBodySchema(limits), await jsonBody(c, limits.maxRequestBytes), "group fetch");
  checkTopicNames(
    body.commit.map((o) => o.topic),
    limits,
  );
  const stub = groupStub(c.env, groupId);
  const member = unwrap(await stub.fetchPositions(body.memberId, body.memberEpoch, body.commit));
  // The member is back within one heartbeat interval, so partitions it must give up,
  // or may now take, move that fast even while it long-polls.
  const maxWaitMs = Math.min(body.maxWaitMs, member.heartbeatIntervalMs);
  const positions = member.positions.map((p) => ({ ...p, offset: p.offset ?? body.autoOffsetReset }));
  const answers =
    positions.length > 0
      ? await longPoll(c, positions, { ...body, maxWaitMs })
      : await new Promise<PartitionAnswer[]>((resolve) => setTimeout(() => resolve([]), maxWaitMs));
  const started = answers.flatMap((a, i) =>
    a.ok && member.positions[i]!.offset === null
      ? [{ topic: a.topic, partition: a.partition, offset: a.response.fetchOffset }]
      : [],
  );
  if (started.length > 0) {
    const stored = await stub.initOffsets(body.memberId, member.memberEpoch, started);
    // Not stored (the member was fenced meanwhile): its next call is refused anyway.
    if (!stored.ok) console.warn("group fetch: start positions not stored", stored.error.message);
  }
  const records = answers.flatMap((a) =>
    a.ok && a.response.recordCount > 0 ? [tagRecords(a.response.records, a.topic, a.partition)] : [],
  );
  const errors = answers.flatMap((a) =>
    a.ok ? [] : [{ topic: a.topic, partition: a.partition, ...errorBody(a.error) }],
  );
  const tail = JSON.stringify({
    assignment: member.assignment,
    memberEpoch: member.memberEpoch,
    heartbeatIntervalMs: member.heartbeatIntervalMs,
    errors,
  });
  return jsonText(c, `{"records":[${records.join(",")}],${tail.slice(1)}`);
}
