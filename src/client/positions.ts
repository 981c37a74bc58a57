// Where the consumer is in each partition it holds: the next offset to consume (or
// where to start, until the first fetch resolves it) and the last committed offset.

import { partitionKey, type TopicPartition } from "../protocol/assignment.js";

export type StartAt = "earliest" | "latest";

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

interface Position extends TopicPartition {
  next: number | StartAt;
  committed: number | null;
}

export class Positions {
  private readonly byKey = new Map<string, Position>();

  set(topic: string, partition: number, next: number | StartAt, committed: number | null): void {
    this.byKey.set(partitionKey(topic, partition), { topic, partition, next, committed });
  }

  get(topic: string, partition: number): Position | undefined {
    return this.byKey.get(partitionKey(topic, partition));
  }

  delete(topic: string, partition: number): void {
    this.byKey.delete(partitionKey(topic, partition));
  }

  /** The message at `offset` was processed: consumption resumes after it. */
  resolve(topic: string, partition: number, offset: number): void {
    const position = this.get(topic, partition);
    if (position) position.next = offset + 1;
  }

  /** The message at `offset` was handed over and processed: move past it, unless a
   * seek moved the position meanwhile. */
  advance(topic: string, partition: number, offset: number): void {
    const position = this.get(topic, partition);
    if (position?.next === offset) position.next = offset + 1;
  }

  /** Resolved positions not committed yet, of the given partitions (default all). */
  uncommitted(only?: readonly TopicPartition[]): TopicPartitionOffset[] {
    const chosen = only ? only.map((p) => this.get(p.topic, p.partition)) : [...this.byKey.values()];
    return chosen.flatMap((p) =>
      p && typeof p.next === "number" && p.next !== p.committed
        ? [{ topic: p.topic, partition: p.partition, offset: p.next }]
        : [],
    );
  }

  /** Records a commit. Committing N says everything before N is processed, so the
   * position moves up to N (never back: a later auto-commit must not undo it). */
  committed(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) {
      const position = this.get(o.topic, o.partition);
      if (!position) continue;
      position.committed = o.offset;
      if (typeof position.next !== "number" || position.next < o.offset) position.next = o.offset;
    }
  }
}
