// One partition's side of the producer (Kafka's RecordAccumulator and Sender for one
// partition): messages gather into batches of at most batchSize records and
// maxBatchBytes, a batch leaves when full or lingerMs after its first message, and one
// batch at a time is in flight, so batches are appended in the order they were made
// and a retry never overtakes a later batch.

import type { BatchRecord, ProduceEncoding } from "./messages.js";

export interface BatchLimits {
  lingerMs: number;
  batchSize: number;
  maxBatchBytes: number;
}

/** Records waiting in the producer to go out together (Kafka's ProducerBatch); the
 * consumer's Batch is what a fetch hands over. */
export interface PendingBatch {
  /** How the batch travels; each of its records is of that form (BatchRecord). */
  encoding: ProduceEncoding;
  records: BatchRecord[];
  sizeBytes: number;
  createdAtMs: number;
  /** Settles with each record's offset, in order (-1 each with acks=0). */
  readonly offsets: Promise<number[]>;
  settle(result: number[] | Error): void;
}

/** Sends one batch, with its retries; throws when the batch failed for good. */
export type BatchSender = (batch: PendingBatch) => Promise<number[]>;

function newBatch(encoding: ProduceEncoding): PendingBatch {
  let settle!: (result: number[] | Error) => void;
  const offsets = new Promise<number[]>((resolve, reject) => {
    settle = (result) => (result instanceof Error ? reject(result) : resolve(result));
  });
  // A send() awaits it; without a send left waiting, a failure is still not unhandled.
  offsets.catch(() => {});
  return { encoding, records: [], sizeBytes: 0, createdAtMs: Date.now(), offsets, settle };
}

export class PartitionBatcher {
  private readonly queue: PendingBatch[] = [];
  private inFlight = false;
  /** flush() calls waiting for the queue to empty. */
  private flushers: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly limits: BatchLimits,
    private readonly send: BatchSender,
    /** Called with the record count of each batch that has left the queue for good. */
    private readonly released: (recordCount: number) => void,
  ) {}

  get queuedBatches(): number {
    return this.queue.length;
  }

  /** Adds one record; returns its batch and index there, to read its offset from. */
  append(record: BatchRecord, encoding: ProduceEncoding, sizeBytes: number): { batch: PendingBatch; index: number } {
    let batch = this.queue.at(-1);
    const onTheWire = this.inFlight && batch === this.queue[0];
    const fits =
      batch !== undefined &&
      !onTheWire &&
      batch.encoding === encoding &&
      batch.records.length < this.limits.batchSize &&
      batch.sizeBytes + sizeBytes <= this.limits.maxBatchBytes;
    if (!batch || !fits) {
      batch = newBatch(encoding);
      this.queue.push(batch);
    }
    batch.records.push(record);
    batch.sizeBytes += sizeBytes;
    this.pump();
    return { batch, index: batch.records.length - 1 };
  }

  /** Sends whatever is queued without lingering; resolves once the queue is empty. */
  async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    const emptied = new Promise<void>((resolve) => this.flushers.push(resolve));
    this.pump();
    await emptied;
  }

  private ready(batch: PendingBatch): boolean {
    return (
      this.flushers.length > 0 ||
      batch.records.length >= this.limits.batchSize ||
      batch.sizeBytes >= this.limits.maxBatchBytes ||
      Date.now() - batch.createdAtMs >= this.limits.lingerMs ||
      this.queue.length > 1
    );
  }

  private pump(): void {
    if (this.inFlight) return;
    const batch = this.queue[0];
    if (!batch) return;
    if (!this.ready(batch)) {
      this.timer ??= setTimeout(
        () => {
          this.timer = null;
          this.pump();
        },
        Math.max(0, this.limits.lingerMs - (Date.now() - batch.createdAtMs)),
      );
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight = true;
    void this.sendHead(batch);
  }

  private async sendHead(batch: PendingBatch): Promise<void> {
    try {
      batch.settle(await this.send(batch));
    } catch (error) {
      batch.settle(error instanceof Error ? error : new Error(String(error)));
    }
    this.queue.shift();
    this.released(batch.records.length);
    this.inFlight = false;
    if (this.queue.length === 0) for (const resolve of this.flushers.splice(0)) resolve();
    this.pump();
  }
}
