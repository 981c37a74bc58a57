import { EdgelogError } from "../protocol/errors.js";
import { topicMetadata } from "../router/metadata-cache.js";

/** A topic's partition count now: 0 when it does not exist (yet), null when the
 * answer is unknown (catalog or controller unreachable), so the last count stands. */
export async function partitionCountOf(env: Env, topic: string): Promise<number | null> {
  try {
    return (await topicMetadata(env, topic, true)).partitions.length;
  } catch (e) {
    if (e instanceof EdgelogError && e.data.code === "UNKNOWN_TOPIC_OR_PARTITION") return 0;
    console.warn(`partition count of ${topic} unknown`, String(e));
    return null;
  }
}
