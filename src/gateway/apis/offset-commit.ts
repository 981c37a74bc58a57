// OffsetCommit (key 8), v2-v5: POST /v1/groups/{group}/offsets at the member's current
// KIP-848 epoch, fenced first by the generation it joined at. All or nothing, so one
// error answers every partition.

import { classicErrorOf, commitEpoch } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

interface Committed {
  name: string;
  partitions: { index: number; offset: bigint; metadata: string | null }[];
}

export const offsetCommitApi: KafkaApi = {
  key: 8,
  name: "OffsetCommit",
  minVersion: 2,
  maxVersion: 5,
  flexibleFrom: 8,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const groupId = request.string(false);
    const generationId = request.int32();
    const memberId = request.string(false);
    if (version <= 4) request.int64(); // retention_time_ms: offsets live as long as the group
    const topics = request.array(
      false,
      (t): Committed => ({
        name: t.string(false),
        partitions: t.array(false, (p) => ({ index: p.int32(), offset: p.int64(), metadata: p.nullableString(false) })),
      }),
    );
    const errorCode = await commit(context, groupId, memberId, generationId, topics);
    const writer = new Writer();
    if (version >= 3) writer.int32(NO_THROTTLE_MS);
    return writer.array(topics, false, (w, topic) => {
      w.string(topic.name, false).array(topic.partitions, false, (p, partition) =>
        p.int32(partition.index).int16(errorCode),
      );
    });
  },
};

async function commit(
  context: RequestContext,
  groupId: string,
  memberId: string,
  generationId: number,
  topics: Committed[],
): Promise<number> {
  const epoch = commitEpoch(context, groupId, memberId, generationId);
  if (!("memberEpoch" in epoch)) return epoch.errorCode;
  const offsets = topics.flatMap((topic) =>
    topic.partitions.map((p) => ({
      topic: topic.name,
      partition: p.index,
      offset: Number(p.offset),
      ...(p.metadata ? { metadata: p.metadata } : {}),
    })),
  );
  if (offsets.length === 0) return KAFKA_ERROR.NONE;
  if (offsets.some((o) => o.offset < 0)) return KAFKA_ERROR.INVALID_REQUEST;
  try {
    await context.edgelog.commitOffsets(groupId, { memberId, memberEpoch: epoch.memberEpoch, offsets });
    return KAFKA_ERROR.NONE;
  } catch (error) {
    return classicErrorOf(error);
  }
}
