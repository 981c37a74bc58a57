// SQLite rows read and written, from each cursor's own counters (what Cloudflare
// bills), for /metrics. A cursor's counts are final once it is consumed, so cursors
// are summed lazily, at most MAX_PENDING at a time.

const MAX_PENDING = 256;

export class RowCounter {
  rowsRead = 0;
  rowsWritten = 0;
  private pending: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];

  /** `sql`, with every statement's cursor counted. */
  wrap(sql: SqlStorage): SqlStorage {
    const exec = (query: string, ...bindings: unknown[]) => {
      const cursor = sql.exec(query, ...bindings);
      if (this.pending.length >= MAX_PENDING) this.settle();
      this.pending.push(cursor);
      return cursor;
    };
    return new Proxy(sql, { get: (target, prop) => (prop === "exec" ? exec : Reflect.get(target, prop)) });
  }

  /** Adds up the cursors seen so far. */
  settle(): void {
    for (const cursor of this.pending) {
      this.rowsRead += cursor.rowsRead;
      this.rowsWritten += cursor.rowsWritten;
    }
    this.pending = [];
  }
}
