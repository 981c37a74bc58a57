// OffsetFetch (key 9), v1-v5: GET /v1/groups/{group}/offsets. A partition with no
// committed offset (or a group that does not exist yet) answers offset -1, as brokers do.

import { EdgelogClientError } from "../../client/errors.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { CommittedOffset } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

interface Asked {
  name: string;
  partitions: number[];
}

export const offsetFetchApi: KafkaApi = {
  key: 9,
  name: "OffsetFetch",
  minVersion: 1,
  maxVersion: 5,
  flexibleFrom: 6,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const groupId = request.string(false);
    const asked = request.nullableArray(
      false,
      (t): Asked => ({
        name: t.string(false),
        partitions: t.array(false, (p) => p.int32()),
      }),
    );
    let committed: CommittedOffset[] = [];
    let errorCode: number = KAFKA_ERROR.NONE;
    try {
      committed = await context.edgelog.committedOffsets(groupId);
    } catch (error) {
      const missing = error instanceof EdgelogClientError && error.code === "GROUP_ID_NOT_FOUND";
      if (!missing) errorCode = errorCodeOf(error);
    }
    const byKey = new Map(committed.map((c) => [`${c.partition}:${c.topic}`, c]));
    const topics = asked ?? everyCommittedTopic(committed);
    const writer = new Writer();
    if (version >= 3) writer.int32(NO_THROTTLE_MS);
    writer.array(topics, false, (w, topic) => {
      w.string(topic.name, false).array(topic.partitions, false, (p, index) => {
        const found = byKey.get(`${index}:${topic.name}`);
        p.int32(index).int64(found?.offset ?? -1);
        if (version >= 5) p.int32(-1);
        p.nullableString(found?.metadata ?? "", false).int16(errorCode);
      });
    });
    if (version >= 2) writer.int16(errorCode);
    return writer;
  },
};

function everyCommittedTopic(committed: CommittedOffset[]): Asked[] {
  const topics = new Map<string, number[]>();
  for (const c of committed) topics.set(c.topic, [...(topics.get(c.topic) ?? []), c.partition]);
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
