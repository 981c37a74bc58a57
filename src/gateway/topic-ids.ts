// Topic ids (KIP-516) for the versions that carry them. Edgelog names topics and has no
// ids, so the gateway derives one from the name: the same on every gateway and every
// connection. A topic deleted and created again under its name keeps its id, where
// Kafka would give it a new one. Requests that name topics by id alone (Fetch v13) are
// read back through the ids this gateway has handed out (Metadata, CreateTopics): a
// client learns an id from one of those first, and asks Metadata again on
// UNKNOWN_TOPIC_ID, which teaches the gateway it.

import { createHash } from "node:crypto";

export const TOPIC_ID_BYTES = 16;
/** Bounds the names remembered; past it the oldest are forgotten (and relearned). */
export const MAX_KNOWN_TOPIC_IDS = 100_000;

export function topicIdOf(name: string): Buffer {
  return createHash("sha256").update(`edgelog topic ${name}`).digest().subarray(0, TOPIC_ID_BYTES);
}

/** The names of `names` by their ids (hex), to read back the ids a client sends. */
export function namesById(names: Iterable<string>): Map<string, string> {
  const byId = new Map<string, string>();
  for (const name of names) byId.set(topicIdOf(name).toString("hex"), name);
  return byId;
}

/** The names behind the ids this gateway has answered, shared by its connections. */
export class KnownTopicIds {
  private readonly names = new Map<string, string>();

  /** The topic's id, remembering its name. */
  idOf(name: string): Buffer {
    const id = topicIdOf(name);
    const key = id.toString("hex");
    if (!this.names.has(key)) {
      if (this.names.size >= MAX_KNOWN_TOPIC_IDS) this.names.delete(this.names.keys().next().value as string);
      this.names.set(key, name);
    }
    return id;
  }

  nameOf(id: Buffer): string | undefined {
    return this.names.get(id.toString("hex"));
  }
}
