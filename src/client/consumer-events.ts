// The consumer's events (kafkajs' consumer.on), without Node's EventEmitter.

import type { Assignment } from "../protocol/group.js";
import type { TopicPartitionOffset } from "./positions.js";

export interface ConsumerEvents {
  /** The member joined, or its assignment changed and the consumer took it over. */
  "consumer.group_join": { memberId: string; memberEpoch: number; assignment: Assignment };
  /** Offsets were committed. */
  "consumer.commit_offsets": { offsets: TopicPartitionOffset[] };
  /** One long-poll answered; caughtUp: every fetched partition is at its highWatermark. */
  "consumer.fetch": { numberOfBatches: number; caughtUp: boolean };
  /** The consumer stopped on an error (a handler's, or a non-retriable server error). */
  "consumer.crash": { error: unknown };
}

export type ConsumerEventName = keyof ConsumerEvents;
type Listener<E extends ConsumerEventName> = (payload: ConsumerEvents[E]) => void;

const MAX_LISTENERS = 100;

export class ConsumerEventEmitter {
  private readonly listeners = new Map<ConsumerEventName, Listener<ConsumerEventName>[]>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends ConsumerEventName>(event: E, listener: Listener<E>): () => void {
    const list = this.listeners.get(event) ?? [];
    if (list.length >= MAX_LISTENERS) throw new RangeError(`more than ${MAX_LISTENERS} listeners for ${event}`);
    list.push(listener as Listener<ConsumerEventName>);
    this.listeners.set(event, list);
    return () => {
      const i = list.indexOf(listener as Listener<ConsumerEventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<E extends ConsumerEventName>(event: E, payload: ConsumerEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch {
        // A listener's failure is its own; the consumer goes on.
      }
    }
  }
}
