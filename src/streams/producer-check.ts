// The protocol's idempotent producer (Producer-Id, -Epoch, -Seq): one sequence number
// per append request, fenced by client-declared epochs. The head checks each append
// against the producer's state; the replica then checks it again as a Kafka
// idempotent batch (streamProducerId), which makes a retry after a lost answer safe.

import type { ErrorData } from "../protocol/errors.js";

export interface StreamProducer {
  id: string;
  epoch: number;
  seq: number;
}

/** What the head remembers of a producer. */
export interface ProducerRecord {
  epoch: number;
  lastSeq: number;
}

export type ProducerVerdict =
  | { kind: "append" }
  | { kind: "duplicate"; record: ProducerRecord }
  | { kind: "refuse"; error: ErrorData };

export function checkProducer(record: ProducerRecord | null, producer: StreamProducer): ProducerVerdict {
  const { epoch, seq } = producer;
  if (record && epoch < record.epoch) {
    return refuse("PRODUCER_FENCED", `Producer-Epoch ${epoch} is fenced by epoch ${record.epoch}`, {
      producerEpoch: record.epoch,
    });
  }
  if (!record || epoch > record.epoch) {
    if (seq === 0) return { kind: "append" };
    if (!record) return gap(0, seq);
    return refuse("INVALID_REQUEST", `a new Producer-Epoch (${epoch}) starts at Producer-Seq 0, not ${seq}`);
  }
  if (seq <= record.lastSeq) return { kind: "duplicate", record };
  if (seq === record.lastSeq + 1) return { kind: "append" };
  return gap(record.lastSeq + 1, seq);
}

function gap(expected: number, received: number): ProducerVerdict {
  return refuse("OUT_OF_ORDER_SEQUENCE_NUMBER", `Producer-Seq ${received} leaves a gap; expected ${expected}`, {
    expectedSequence: expected,
    receivedSequence: received,
  });
}

function refuse(code: ErrorData["code"], message: string, details?: ErrorData["details"]): ProducerVerdict {
  return { kind: "refuse", error: details ? { code, message, details } : { code, message } };
}

/** The Kafka producerId a stream producer's batches carry on the replica: 53 bits of
 * SHA-256 of its Producer-Id. The catalog issues its producerIds at random over the
 * same range, so a Kafka producer meets a stream producer of the same topic with odds
 * of about 2^-53 per pair. */
export async function streamProducerId(id: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)));
  let value = digest[0]! & 0x1f;
  for (let i = 1; i < 7; i++) value = value * 256 + digest[i]!;
  return Math.max(1, value);
}
