// Session and rebalance deadlines of a group's members. They live in memory, so a
// heartbeat that changes nothing writes no SQLite row; after a restart every member
// gets a fresh session, as after a Kafka coordinator failover.

interface Deadlines {
  sessionMs: number;
  /** Runs while the member has revoked partitions it has not released. */
  rebalanceMs: number | null;
}

export interface TimedMember {
  memberId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  revoking: ReadonlySet<string>;
}

export class MemberDeadlines {
  private readonly deadlines = new Map<string, Deadlines>();

  /** The member was heard from at `nowMs`: its session starts over. */
  touch(member: TimedMember, nowMs: number): void {
    const d = this.deadlines.get(member.memberId) ?? { sessionMs: 0, rebalanceMs: null };
    d.sessionMs = nowMs + member.sessionTimeoutMs;
    if (member.revoking.size === 0) d.rebalanceMs = null;
    else d.rebalanceMs ??= nowMs + member.rebalanceTimeoutMs;
    this.deadlines.set(member.memberId, d);
  }

  forget(memberId: string): void {
    this.deadlines.delete(memberId);
  }

  /** Members past their session or rebalance deadline at `nowMs`. */
  expired(nowMs: number): string[] {
    const expired: string[] = [];
    for (const [memberId, d] of this.deadlines) {
      if (d.sessionMs <= nowMs || (d.rebalanceMs !== null && d.rebalanceMs <= nowMs)) expired.push(memberId);
    }
    return expired;
  }

  /** The next deadline, or null with no members. */
  earliest(): number | null {
    let due = Number.POSITIVE_INFINITY;
    for (const d of this.deadlines.values()) due = Math.min(due, d.sessionMs, d.rebalanceMs ?? due);
    return Number.isFinite(due) ? due : null;
  }
}
