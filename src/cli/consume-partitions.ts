// consume without -g: every partition of the topics (or those of -p) from -o, read
// with the group-less fetch routes, so nothing is created on the server and a token
// with only consume:<topic> is enough.

import type { Edgelog } from "../client/index.js";
import { mapBounded } from "../common/bounded-map.js";
import type { Sink } from "./consume.js";
import type { Api } from "./context.js";
import { type ReadPosition, readPartitions } from "./partition-reader.js";
import { resolveStartOffset, type StartOffset } from "./start-offset.js";

export interface PartitionReading {
  partitions: number[] | undefined;
  start: StartOffset;
  follow: boolean;
  maxWaitMs: number;
  signal: AbortSignal;
}

/** ListOffsets calls in flight at once when -o is a time. */
const OFFSET_LOOKUPS_IN_FLIGHT = 8;

export async function consumeWithoutGroup(
  edgelog: Edgelog,
  api: Api,
  topics: string[],
  reading: PartitionReading,
  sink: Sink,
): Promise<void> {
  const admin = edgelog.admin();
  const positions: ReadPosition[] = [];
  for (const topic of topics) {
    const described = await admin.describeTopic(topic);
    const missing = reading.partitions?.filter((p) => p >= described.partitions.length) ?? [];
    if (missing.length > 0) {
      throw new Error(
        `topic ${topic} has partitions 0 to ${described.partitions.length - 1}, not ${missing.join(",")}`,
      );
    }
    const chosen = described.partitions.filter((p) => reading.partitions?.includes(p.partition) ?? true);
    const starts = await mapBounded(chosen, OFFSET_LOOKUPS_IN_FLIGHT, (p) =>
      resolveStartOffset(admin, topic, p, reading.start),
    );
    chosen.forEach((p, i) => {
      positions.push({ topic, partition: p.partition, next: starts[i]!, end: p.highWatermark });
    });
  }
  for await (const batch of readPartitions(api, positions, reading)) {
    for (const message of batch) if (!(await sink(message))) return;
  }
}
