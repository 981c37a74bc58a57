// Produce accepts only producerIds and epochs that the catalog issued, to the caller.
//
// The catalog is the authority (src/catalog/issued-producers.ts); each router
// isolate caches what it answered, so that a produce costs no catalog call once the
// isolate knows its producer. The cache is sound across isolates and replicas because
// an issued producer only changes in one direction: its owner never changes and its
// epoch only grows. A cached entry is therefore never wrong, only possibly behind:
// - an epoch at or below the cached one was issued, so it is let through (an older
//   epoch is fenced by the partition once the newer one has written there, as before);
// - an epoch above the cached one may have just been bumped through another isolate,
//   so the catalog is asked once; above what it answers, the epoch was never issued;
// - an id not cached is asked of the catalog; an unknown id is not cached, so one
//   issued later (or by another isolate) is found at once.
// No batch with an epoch the catalog never issued reaches a partition, so a forged
// epoch cannot fence the real producer there, and a bump always recovers it.
// A revoked token's producers are deleted from the catalog; a cached entry of one
// outlives that harmlessly, since the revoked token no longer authenticates.

import {
  type IssuedProducer,
  type ProducerOwner,
  tokenOwner,
  unknownProducer,
  usableBy,
} from "../catalog/issued-producers.js";
import type { ProducerBatch } from "../partition/producer-state.js";
import type { ErrorData } from "../protocol/errors.js";
import type { Principal } from "./context.js";

/** Producers one isolate remembers; past it the oldest entry is dropped. */
const MAX_CACHED_PRODUCERS = 10_000;

type Ask = (producerId: number) => Promise<IssuedProducer | null>;

export class IssuedProducerCache {
  private readonly entries = new Map<number, IssuedProducer>();

  constructor(private readonly maxEntries: number) {}

  /** Why `batch` must not be appended, or null when it may. */
  async verify(batch: ProducerBatch, caller: ProducerOwner, ask: Ask): Promise<ErrorData | null> {
    let issued = this.entries.get(batch.producerId) ?? null;
    // Someone else's producer is refused without a catalog call: owners never change.
    const behind = !issued || (usableBy(issued, caller) && batch.producerEpoch > issued.producerEpoch);
    if (behind) issued = await this.refresh(batch.producerId, ask);
    if (!usableBy(issued, caller)) return unknownProducer(batch.producerId);
    if (batch.producerEpoch > issued.producerEpoch) {
      return {
        code: "INVALID_PRODUCER_EPOCH",
        message: `producerEpoch ${batch.producerEpoch} of producer ${batch.producerId} was never issued; its current epoch is ${issued.producerEpoch}`,
      };
    }
    return null;
  }

  /** Keeps the highest epoch seen: answers may arrive out of order. */
  remember(producerId: number, issued: IssuedProducer): void {
    const known = this.entries.get(producerId);
    if (known && known.producerEpoch >= issued.producerEpoch) return;
    this.entries.delete(producerId);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(producerId, issued);
  }

  private async refresh(producerId: number, ask: Ask): Promise<IssuedProducer | null> {
    // Not shared between concurrent requests: a Workers request must not wait on I/O
    // that another request started (it is cancelled with that request).
    const issued = await ask(producerId);
    if (issued) this.remember(producerId, issued);
    return this.entries.get(producerId) ?? issued;
  }
}

/** This isolate's cache, shared by its requests. */
export const issuedProducers = new IssuedProducerCache(MAX_CACHED_PRODUCERS);

/** The principal a producerId is bound to; null with auth off, where none is. */
export function producerOwner(principal: Principal): ProducerOwner {
  switch (principal.kind) {
    case "open":
      return null;
    case "root":
      return "root";
    case "token":
      return tokenOwner(principal.id);
  }
}
