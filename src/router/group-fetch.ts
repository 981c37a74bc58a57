// POST /v1/groups/{group}/fetch, for stateless members (edge functions, cron jobs,
// browsers) that keep no positions: commit what the member processed, then long-poll
// its assigned partitions from their committed offsets. At-least-once: records not
// committed come again on the next call.

import { mapBounded } from "../common/bounded-map.js";
import { groupStub } from "../group/group-stubs.js";
import { errorBody, unwrap } from "../protocol/errors.js";
import { groupFetchBody } from "../protocol/fetched-records.js";
import type { StartPosition } from "../protocol/group.js";
import { groupFetchBodySchema } from "../protocol/group-schemas.js";
import type { AppContext } from "./context.js";
import { sendFetched } from "./fetch-answer.js";
import { checkConsumable } from "./group-input.js";
import { callLeader } from "./leader-call.js";
import { longPoll, type PartitionAnswer } from "./long-poll.js";
import { jsonBody, parseWith } from "./parse-input.js";

export async function groupFetch(c: AppContext, groupId: string): Promise<Response> {
  const limits = c.get("limits");
  const body = parseWith(groupFetchBodySchema(limits), await jsonBody(c, limits.maxRequestBytes), "group fetch");
  checkConsumable(
    c,
    body.commit.map((o) => o.topic),
  );
  const stub = groupStub(c.env, groupId);
  const member = unwrap(await stub.fetchPositions(body.memberId, body.memberEpoch, body.commit));
  // The member is back within one heartbeat interval, so partitions it must give up,
  // or may now take, move that fast even while it long-polls.
  const maxWaitMs = Math.min(body.maxWaitMs, member.heartbeatIntervalMs);
  const polled = window(member.positions, limits.maxFetchPartitions);
  checkConsumable(
    c,
    polled.map((p) => p.topic),
  );
  const positions = polled.map((p) => ({ ...p, offset: p.offset ?? body.autoOffsetReset }));
  const answers =
    positions.length > 0
      ? await longPoll(c, positions, { ...body, maxWaitMs })
      : await new Promise<PartitionAnswer[]>((resolve) => setTimeout(() => resolve([]), maxWaitMs));
  const starts = await startPositions(c.env, polled, answers, body.autoOffsetReset, limits.maxFanOut);
  if (starts.length > 0) {
    const stored = await stub.storeStartPositions(body.memberId, member.memberEpoch, starts);
    // Not stored (the member was fenced meanwhile): its next call is refused anyway.
    if (!stored.ok) console.warn("group fetch: start positions not stored", stored.error.message);
  }
  const errors = answers.flatMap((a) =>
    a.ok ? [] : [{ topic: a.topic, partition: a.partition, ...errorBody(a.error) }],
  );
  const tail = {
    assignment: member.assignment,
    memberEpoch: member.memberEpoch,
    heartbeatIntervalMs: member.heartbeatIntervalMs,
    errors,
  };
  return sendFetched(c, groupFetchBody(answers, tail));
}

/** Partitions read from autoOffsetReset (no committed offset), and partitions whose
 * committed offset is out of the log's range (retention passed it): those restart at
 * autoOffsetReset, as Kafka's auto.offset.reset does, from the next call on. */
async function startPositions(
  env: Env,
  positions: readonly { topic: string; partition: number; offset: number | null }[],
  answers: readonly PartitionAnswer[],
  autoOffsetReset: "earliest" | "latest",
  maxFanOut: number,
): Promise<StartPosition[]> {
  const starts = await mapBounded(answers, maxFanOut, async (a, i): Promise<StartPosition | null> => {
    const committed = positions[i]!.offset;
    const where = { topic: a.topic, partition: a.partition };
    if (a.ok) return committed === null ? { ...where, offset: a.response.fetchOffset, replaces: null } : null;
    if (a.error.code !== "OFFSET_OUT_OF_RANGE" || committed === null) return null;
    const reset = await callLeader(env, a.topic, a.partition, async (leader) =>
      leader.listOffsets(autoOffsetReset),
    ).catch(() => null);
    return reset?.ok ? { ...where, offset: reset.offset, replaces: committed } : null;
  });
  return starts.filter((s) => s !== null);
}

/** At most `max` partitions are long-polled at once, as on POST /v1/fetch; a member
 * assigned more gets a window starting at random, so each gets its turn over calls. */
function window<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const start = Math.floor(Math.random() * items.length);
  return Array.from({ length: max }, (_, i) => items[(start + i) % items.length]!);
}
