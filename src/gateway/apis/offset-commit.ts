// OffsetCommit (key 8), v2-v8: POST /v1/groups/{group}/offsets at the member's current
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
  maxVersion: 8,
  flexibleFrom: 8,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupId = request.string(flexible);
    const generationId = request.int32();
    const memberId = request.string(flexible);
    if (version >= 7) request.nullableString(flexible); // group_instance_id: static membership is not built
    if (version <= 4) request.int64(); // retention_time_ms: offsets live as long as the group
    const topics = request.array(flexible, (t): Committed => {
      const name = t.string(flexible);
      const partitions = t.array(flexible, (p) => {
        const index = p.int32();
        const offset = p.int64();
        if (version >= 6) p.int32(); // committed_leader_epoch: leader epochs are not reported
        const metadata = p.nullableString(flexible);
        p.endStruct(flexible);
        return { index, offset, metadata };
      });
      t.endStruct(flexible);
      return { name, partitions };
    });
    request.endStruct(flexible);
    const errorCode = await commit(context, groupId, memberId, generationId, topics);
    const writer = new Writer();
    if (version >= 3) writer.int32(NO_THROTTLE_MS);
    writer.array(topics, flexible, (w, topic) => {
      w.string(topic.name, flexible).array(topic.partitions, flexible, (p, partition) =>
        p.int32(partition.index).int16(errorCode).endStruct(flexible),
      );
      w.endStruct(flexible);
    });
    return writer.endStruct(flexible);
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
