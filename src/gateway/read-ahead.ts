// Read-ahead of a connection's next Fetch: once an answer with records goes back, the
// same partitions are fetched again from where it ended (without a wait), so that
// Edgelog reads the next records while the client consumes these. A catch-up read
// then overlaps its HTTP calls with the client's own work. Bounded: at most one
// read-ahead in flight per connection, of the same maxBytes as the answer before it.
// A Fetch for other positions, or one that wants to wait when the read-ahead found
// nothing, is fetched as it asks; a read-ahead that failed is dropped.

import type { EdgelogApi, PartitionFetch } from "./edgelog-api.js";

export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

interface Pending {
  edgelog: EdgelogApi;
  key: string;
  answer: Promise<PartitionFetch[] | null>;
}

export class ReadAhead {
  private pending: Pending | null = null;
  private inFlight = false;

  /** `wanted` fetched through `edgelog`, from the read-ahead when it read exactly these
   * positions; then the read-ahead of what follows. */
  async fetch(edgelog: EdgelogApi, wanted: Position[], maxWaitMs: number, maxBytes: number): Promise<PartitionFetch[]> {
    const key = keyOf(wanted, maxBytes);
    const pending = this.pending;
    this.pending = null;
    const ahead = pending && pending.edgelog === edgelog && pending.key === key ? await pending.answer : null;
    const answers =
      ahead && (maxWaitMs === 0 || ahead.some(hasRecords)) ? ahead : await edgelog.fetch(wanted, maxWaitMs, maxBytes);
    if (answers.some(hasRecords) && !this.inFlight) this.start(edgelog, following(wanted, answers), maxBytes);
    return answers;
  }

  private start(edgelog: EdgelogApi, next: Position[], maxBytes: number): void {
    this.inFlight = true;
    const answer = edgelog
      .fetch(next, 0, maxBytes)
      .catch(() => null)
      .finally(() => {
        this.inFlight = false;
      });
    this.pending = { edgelog, key: keyOf(next, maxBytes), answer };
  }
}

function hasRecords(answer: PartitionFetch): boolean {
  return "recordCount" in answer && answer.recordCount > 0;
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
