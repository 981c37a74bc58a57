// Idempotent producers (Kafka KIP-98): per producerId, its epoch and its last batches'
// sequence numbers and offsets, kept in SQLite and rebuilt from the log, so that a
// retried batch is acknowledged with its first offsets and never appended twice, on
// this replica and on any follower that becomes leader.

import { invariant } from "../common/invariant.js";
import type { ErrorData } from "../protocol/errors.js";

/** How many batches per producer are remembered, as in Kafka. */
export const PRODUCER_BATCHES_KEPT = 5;
/** Batches scanned to rebuild producer state after a truncation. */
const REBUILD_SCAN_BATCHES = 10_000;

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

interface Entry {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

type StateRow = {
  producer_epoch: number;
  entries: string;
};

export type SequenceCheck =
  | { kind: "append" }
  | { kind: "duplicate"; baseOffset: number }
  | { kind: "refuse"; error: ErrorData };

export class ProducerStates {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS producer_state (
      producer_id INTEGER PRIMARY KEY, producer_epoch INTEGER NOT NULL, entries TEXT NOT NULL)`);
  }

  /** What to do with a batch from this producer. */
  check(batch: ProducerBatch): SequenceCheck {
    const row = this.row(batch.producerId);
    const fresh = { kind: "append" } as const;
    if (!row || batch.producerEpoch > row.producer_epoch) {
      // A new producer, or a new epoch of it: sequences start again at 0.
      return batch.baseSequence === 0 ? fresh : outOfOrder(batch, 0);
    }
    if (batch.producerEpoch < row.producer_epoch) {
      return {
        kind: "refuse",
        error: {
          code: "INVALID_PRODUCER_EPOCH",
          message: `producerEpoch ${batch.producerEpoch} is fenced by epoch ${row.producer_epoch}`,
        },
      };
    }
    const entries = JSON.parse(row.entries) as Entry[];
    const seen = entries.find((e) => e.firstSequence === batch.baseSequence);
    if (seen) return { kind: "duplicate", baseOffset: seen.baseOffset };
    const expected = (entries.at(-1)?.lastSequence ?? -1) + 1;
    if (batch.baseSequence === expected) return fresh;
    // Older than what is remembered, or a gap.
    return outOfOrder(batch, expected);
  }

  /** Remembers a stored batch (a row) of this producer. */
  record(batch: ProducerBatch, count: number, baseOffset: number): void {
    const row = this.row(batch.producerId);
    invariant(!row || batch.producerEpoch >= row.producer_epoch, "producerEpoch never decreases");
    const kept = row && row.producer_epoch === batch.producerEpoch ? (JSON.parse(row.entries) as Entry[]) : [];
    kept.push({ firstSequence: batch.baseSequence, lastSequence: batch.baseSequence + count - 1, baseOffset });
    this.sql.exec(
      `INSERT INTO producer_state (producer_id, producer_epoch, entries) VALUES (?, ?, ?)
       ON CONFLICT (producer_id) DO UPDATE SET producer_epoch = excluded.producer_epoch, entries = excluded.entries`,
      batch.producerId,
      batch.producerEpoch,
      JSON.stringify(kept.slice(-PRODUCER_BATCHES_KEPT)),
    );
  }

  /** Whether the row at `baseOffset` is among the batches remembered for `producerId`
   * (compaction keeps such rows as they are: rebuilding this state needs them). */
  remembers(producerId: number, baseOffset: number): boolean {
    const row = this.row(producerId);
    return row !== undefined && (JSON.parse(row.entries) as Entry[]).some((e) => e.baseOffset === baseOffset);
  }

  /** After a truncation the remembered batches may be gone: rebuild from the log. */
  rebuild(): void {
    this.sql.exec("DELETE FROM producer_state");
    const rows = this.sql
      .exec<{
        producer_id: number;
        producer_epoch: number;
        base_sequence: number;
        base_offset: number;
        last_offset: number;
      }>(
        `SELECT producer_id, producer_epoch, base_sequence, base_offset, last_offset FROM batches
         WHERE producer_id IS NOT NULL ORDER BY base_offset DESC LIMIT ?`,
        REBUILD_SCAN_BATCHES,
      )
      .toArray()
      .reverse();
    for (const r of rows) {
      this.record(
        { producerId: r.producer_id, producerEpoch: r.producer_epoch, baseSequence: r.base_sequence },
        r.last_offset - r.base_offset + 1,
        r.base_offset,
      );
    }
  }

  private row(producerId: number): StateRow | undefined {
    return this.sql
      .exec<StateRow>("SELECT producer_epoch, entries FROM producer_state WHERE producer_id = ?", producerId)
      .toArray()[0];
  }
}

function outOfOrder(batch: ProducerBatch, expected: number): SequenceCheck {
  return {
    kind: "refuse",
    error: {
      code: "OUT_OF_ORDER_SEQUENCE_NUMBER",
      message: `producer ${batch.producerId} sent baseSequence ${batch.baseSequence}; expected ${expected}`,
      details: { expectedSequence: expected },
    },
  };
}
