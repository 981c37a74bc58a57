import { lookupTopicMetadata } from "../catalog/topic-lookup.js";

/** A topic's partition count now: 0 when it does not exist (yet), null when the
 * answer is unknown (catalog or controller unreachable), so the last count stands. */
export async function partitionCountOf(env: Env, topic: string): Promise<number | null> {
  try {
    const found = await lookupTopicMetadata(env, topic);
    if (found.ok) return found.metadata.partitions.length;
    if (found.error.code === "UNKNOWN_TOPIC_OR_PARTITION") return 0;
    console.warn(`partition count of ${topic} unknown`, found.error.message);
    return null;
  } catch (e) {
    console.warn(`partition count of ${topic} unknown`, String(e));
    return null;
  }
}
