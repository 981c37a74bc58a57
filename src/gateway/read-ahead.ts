// Read-ahead of a connection's next Fetches: once an answer with records goes back, the
// same partitions are fetched again from where it ended (without a wait), and again
// from where that one ends, so that Edgelog reads the next records while the gateway
// turns these into RecordBatches and the client consumes them. A catch-up read then
// keeps Edgelog busy instead of waiting on the gateway and the client in turn.
// Bounded: a chain of at most MAX_READ_AHEAD answers per connection, held or in flight,
// each of the maxBytes of the Fetch that started it. A Fetch for other positions drops
// the chain and is fetched as it asks, and so is one that wants to wait when the
// read-ahead found nothing; a read-ahead that failed is dropped.

import type { EdgelogApi, PartitionFetch } from "./edgelog-api.js";

/** Answers read ahead per connection, held or in flight (8 MiB at most each). */
export const MAX_READ_AHEAD = 2;

export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

interface Pending {
  edgelog: EdgelogApi;
  positions: Position[];
  maxBytes: number;
  key: string;
  answer: Promise<PartitionFetch[] | null>;
  /** The answer once it came (null: it failed). */
  settled?: PartitionFetch[] | null;
  /** Whether the entry after it was started. */
  extended: boolean;
  generation: number;
}

export class ReadAhead {
  /** In order: each entry reads from where the one before it ends. */
  private chain: Pending[] = [];
  /** Moves on whenever the chain is dropped, so a read-ahead still in flight of a
   * dropped chain does not extend the new one. */
  private generation = 0;

  /** `wanted` fetched through `edgelog`, from the read-ahead when it read exactly these
   * positions; the chain is then extended from what follows. */
  async fetch(edgelog: EdgelogApi, wanted: Position[], maxWaitMs: number, maxBytes: number): Promise<PartitionFetch[]> {
    const head = this.chain[0];
    if (head && head.edgelog === edgelog && head.key === keyOf(wanted, maxBytes)) {
      this.chain.shift();
      const ahead = await head.answer;
      if (ahead && (maxWaitMs === 0 || ahead.some(hasRecords))) {
        // Room again in the chain: its last entry may read on.
        this.extendFrom(this.chain[this.chain.length - 1] ?? head);
        return ahead;
      }
    }
    // Fetched as asked: a chain of the read-ahead before, if any, reads what no one asks.
    this.chain = [];
    this.generation++;
    const answers = await edgelog.fetch(wanted, maxWaitMs, maxBytes);
    if (this.chain.length === 0) {
      this.extendFrom({ ...this.entry(edgelog, wanted, maxBytes), settled: answers });
    }
    return answers;
  }

  private entry(edgelog: EdgelogApi, positions: Position[], maxBytes: number): Pending {
    const key = keyOf(positions, maxBytes);
    const generation = this.generation;
    return { edgelog, positions, maxBytes, key, answer: Promise.resolve(null), extended: false, generation };
  }

  /** Starts the read-ahead after `entry` once its answer has records, while the chain
   * it belongs to is current and has room. */
  private extendFrom(entry: Pending): void {
    const { settled, edgelog, maxBytes } = entry;
    if (entry.extended || entry.generation !== this.generation || this.chain.length >= MAX_READ_AHEAD) return;
    if (!settled?.some(hasRecords)) return;
    entry.extended = true;
    const next = this.entry(edgelog, following(entry.positions, settled), maxBytes);
    next.answer = edgelog.fetch(next.positions, 0, maxBytes).then(
      (answers) => {
        next.settled = answers;
        this.extendFrom(next);
        return answers;
      },
      () => {
        next.settled = null;
        return null;
      },
    );
    this.chain.push(next);
  }
}

/** Whether the answer moves its position on: records, or a compacted log's gap (whose
 * batch holds none but spans the offsets passed). */
function hasRecords(answer: PartitionFetch): boolean {
  return "batch" in answer && answer.batch.length > 0;
}

/** Each position moved past the records answered for it. */
function following(wanted: Position[], answers: PartitionFetch[]): Position[] {
  const ends = new Map<string, number>();
  for (const answer of answers) {
    if (hasRecords(answer) && "nextOffset" in answer)
      ends.set(`${answer.partition}:${answer.topic}`, answer.nextOffset);
  }
  return wanted.map((w) => ({ ...w, offset: ends.get(`${w.partition}:${w.topic}`) ?? w.offset }));
}

function keyOf(positions: Position[], maxBytes: number): string {
  return `${maxBytes} ${positions.map((p) => `${p.partition}:${p.offset}:${p.topic}`).join(" ")}`;
}
