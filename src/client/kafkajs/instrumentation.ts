// kafkajs' instrumentation events: `on(name, listener)` with `{ id, type, timestamp,
// payload }`, and a removal function back. Only the events Edgelog emits can be
// listened to; any other name is refused, as kafkajs refuses unknown names.

import { KafkaJSNonRetriableError } from "./errors.js";

export interface InstrumentationEvent<T> {
  id: number;
  type: string;
  timestamp: number;
  payload: T;
}

type Listener = (event: InstrumentationEvent<unknown>) => void;

const MAX_LISTENERS = 100;

export class Instrumentation<Name extends string> {
  private readonly listeners = new Map<string, Listener[]>();
  private nextId = 0;

  constructor(readonly events: Record<string, Name>) {}

  on(type: Name, listener: Listener): () => void {
    if (!Object.values(this.events).includes(type)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${Object.values(this.events).join(", ")}`);
    }
    const list = this.listeners.get(type) ?? [];
    if (list.length >= MAX_LISTENERS) throw new RangeError(`more than ${MAX_LISTENERS} listeners for ${type}`);
    list.push(listener);
    this.listeners.set(type, list);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit(type: Name, payload: unknown): void {
    const event = { id: this.nextId++, type, timestamp: Date.now(), payload };
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
