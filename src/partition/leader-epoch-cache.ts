// Kafka's LeaderEpochFileCache: where each leader epoch starts in this log, kept in
// SQLite beside the batches. It answers OffsetsForLeaderEpoch (KIP-101/279) and the
// epoch of an offset whose batch retention has already deleted.

export class LeaderEpochCache {
  /** The newest leader epoch stored, or null until read. */
  private latestKnown: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly logEndOffset: () => number,
  ) {}

  latest(): number {
    this.latestKnown ??=
      this.sql.exec<{ e: number | null }>("SELECT MAX(leader_epoch) AS e FROM leader_epochs").one().e ?? -1;
    return this.latestKnown;
  }

  /** Records that `leaderEpoch` starts at `startOffset`; an epoch not newer than the
   * latest is already known, so epochs never decrease here. */
  assign(leaderEpoch: number, startOffset: number): void {
    if (leaderEpoch <= this.latest()) return;
    this.sql.exec("INSERT INTO leader_epochs (leader_epoch, start_offset) VALUES (?, ?)", leaderEpoch, startOffset);
    this.latestKnown = leaderEpoch;
  }

  /** The epoch that was current at `offset`, by the cache alone; -1 when none was. */
  epochAt(offset: number): number {
    const cached = this.sql
      .exec<{ e: number }>(
        "SELECT leader_epoch AS e FROM leader_epochs WHERE start_offset <= ? ORDER BY leader_epoch DESC LIMIT 1",
        offset,
      )
      .toArray()[0];
    return cached?.e ?? -1;
  }

  /** OffsetsForLeaderEpoch: the largest epoch ≤ `leaderEpoch` this log knows, and
   * where it ends (the start of the next epoch, or the logEndOffset). */
  endOffsetFor(leaderEpoch: number): { leaderEpoch: number; endOffset: number } {
    const known = this.sql
      .exec<{ e: number }>(
        "SELECT leader_epoch AS e FROM leader_epochs WHERE leader_epoch <= ? ORDER BY leader_epoch DESC LIMIT 1",
        leaderEpoch,
      )
      .toArray()[0];
    const next = this.sql
      .exec<{ s: number }>(
        "SELECT start_offset AS s FROM leader_epochs WHERE leader_epoch > ? ORDER BY leader_epoch LIMIT 1",
        known?.e ?? -1,
      )
      .toArray()[0];
    return { leaderEpoch: known?.e ?? -1, endOffset: next?.s ?? this.logEndOffset() };
  }

  /** Forgets the epochs that start at or after `offset` (a truncated suffix). */
  truncateFrom(offset: number): void {
    this.sql.exec("DELETE FROM leader_epochs WHERE start_offset >= ?", offset);
    this.latestKnown = null;
  }

  /** Forgets every epoch: the log was emptied to continue at a leader's start. */
  clear(): void {
    this.sql.exec("DELETE FROM leader_epochs");
    this.latestKnown = null;
  }
}
