// A broker appends a partition's produce requests in the order they came on a
// connection (Kafka's ordering holds per partition). The gateway's calls to Edgelog
// could overtake each other (a loaded run stored one key's kcat lines out of order),
// so a connection's produces to one partition take turns in arrival order, while
// those to other partitions run side by side.

/** One request's turn on one partition. */
export interface ProduceTurn {
  /** Resolves once every earlier turn on this partition ended. */
  ready: Promise<void>;
  /** Ends the turn (at most once has effect); the next may start once this one was ready. */
  done(): void;
}

export class ProduceOrder {
  /** Per partition, when its last turn ends; a partition leaves once its last turn ended. */
  private readonly last = new Map<string, Promise<void>>();

  /** A turn on `partition` after every one reserved before it: reserve before the first
   * await of a request, so that turns follow arrival order. */
  reserve(partition: string): ProduceTurn {
    const ready = this.last.get(partition) ?? Promise.resolve();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const finished = ready.then(() => ended);
    this.last.set(partition, finished);
    void finished.then(() => {
      if (this.last.get(partition) === finished) this.last.delete(partition);
    });
    return { ready, done: end };
  }

  /** Partitions with a turn not yet ended. */
  get size(): number {
    return this.last.size;
  }
}
