// The idempotent producer's identity and sequences (Kafka's InitProducerId and
// per-partition sequence numbers). POST /v1/producers gives a producerId and epoch;
// each partition batch carries baseSequence, the count of records this producer epoch
// has appended to that partition before it. A retried batch keeps its baseSequence,
// so the partition appends it at most once.

import { hasCode } from "./errors.js";
import { type RetryOptions, withRetry } from "./retry.js";
import type { Transport } from "./transport.js";

export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

export interface SequenceStamp extends ProducerIdentity {
  baseSequence: number;
}

export class ProducerSession {
  private identity: ProducerIdentity | null = null;
  private pending: Promise<ProducerIdentity> | null = null;
  /** Set when a batch's outcome is unknown: its sequences can no longer be trusted,
   * so the next batch starts a new epoch (Kafka KIP-360). */
  private bumpNeeded = false;
  /** Per partition: the identity its sequence belongs to, and the next sequence. */
  private readonly sequences = new Map<string, ProducerIdentity & { next: number }>();

  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
  ) {}

  get current(): ProducerIdentity | null {
    return this.identity;
  }

  /** The identity, asked of the server once (or again after an epoch bump). */
  async init(): Promise<ProducerIdentity> {
    if (this.identity && !this.bumpNeeded) return this.identity;
    this.pending ??= this.initOnce().finally(() => {
      this.pending = null;
    });
    return await this.pending;
  }

  private async initOnce(): Promise<ProducerIdentity> {
    // A bump presents the current identity; the server answers epoch + 1 and fences the old one.
    const body = this.identity && this.bumpNeeded ? this.identity : {};
    const identity = await withRetry(this.retry, () =>
      this.transport.request<ProducerIdentity>("POST", "/v1/producers", body),
    );
    this.identity = { producerId: identity.producerId, producerEpoch: identity.producerEpoch };
    this.bumpNeeded = false;
    return this.identity;
  }

  /** The stamp of the next batch to `partitionKey`; sequences restart at 0 in a new epoch. */
  async stamp(partitionKey: string): Promise<SequenceStamp> {
    const identity = await this.init();
    const state = this.sequences.get(partitionKey);
    if (!state || !sameIdentity(state, identity)) {
      this.sequences.set(partitionKey, { ...identity, next: 0 });
      return { ...identity, baseSequence: 0 };
    }
    return { ...identity, baseSequence: state.next };
  }

  /** The batch stamped `stamp` with `recordCount` records is in the log. */
  acknowledged(partitionKey: string, stamp: SequenceStamp, recordCount: number): void {
    const state = this.sequences.get(partitionKey);
    if (state && sameIdentity(state, stamp) && state.next === stamp.baseSequence) {
      state.next += recordCount;
    }
  }

  /** The batch failed for good. If it may have been appended (no answer, or a sequence
   * the partition did not expect), the next batch opens a new epoch; an error the
   * server answered before appending leaves the sequence as it was. */
  failed(error: unknown, stamp: SequenceStamp): void {
    if (hasCode(error, "INVALID_PRODUCER_EPOCH")) return;
    if (hasCode(error, "UNKNOWN_PRODUCER_ID")) {
      // The server has no such producer for this caller (Kafka resets the producerId
      // then too): the next stamp comes from a new one, its sequences from 0.
      if (this.identity?.producerId === stamp.producerId) this.identity = null;
      return;
    }
    if (hasCode(error, "OUT_OF_ORDER_SEQUENCE_NUMBER") || (error as { retriable?: boolean }).retriable) {
      this.bumpNeeded = true;
    }
  }
}

function sameIdentity(a: ProducerIdentity, b: ProducerIdentity): boolean {
  return a.producerId === b.producerId && a.producerEpoch === b.producerEpoch;
}
