// What one client connection remembers between its requests: its SASL login, the
// classic group members it joined through it (what each was handed at SyncGroup), and
// the KIP-848 members that heartbeat through it (the topics whose ids they may send),
// and its Fetch read-ahead.
// Soft state: if the connection drops, the client's next Heartbeat on another one
// finds nothing here and is told to rejoin, and the coordinator (in Edgelog) stays the
// only source of truth for assignments.

import type { Assignment, EdgelogApi } from "./edgelog-api.js";
import { PartitionAppenders } from "./partition-appender.js";
import { ReadAhead } from "./read-ahead.js";

export interface ClassicMember {
  /** The generation given at JoinGroup: commits and heartbeats must carry it. */
  generationId: number;
  /** The member's current KIP-848 epoch at the coordinator. */
  memberEpoch: number;
  /** The topics it subscribes to (from its JoinGroup metadata). */
  topics: string[];
  /** The partitions handed at SyncGroup, which the client holds until it rejoins. */
  handed: Assignment | null;
}

/** A KIP-848 member (ConsumerGroupHeartbeat): its epoch is its own, sent on every call. */
export interface ConsumerMember {
  /** Its subscription and the topics it was last assigned: the names its topic ids stand for. */
  topics: string[];
}

/** A connection normally carries one consumer's group; this bounds a misbehaving one. */
export const MAX_MEMBERS_PER_CONNECTION = 64;

export class ConnectionSession {
  /** Members of the classic protocol (JoinGroup, SyncGroup, Heartbeat). */
  readonly classic = new MemberTable<ClassicMember>(() => this.full());
  /** KIP-848 members (ConsumerGroupHeartbeat). */
  readonly consumers = new MemberTable<ConsumerMember>(() => this.full());
  /** Edgelog as the token of a SASL PLAIN login on this connection; null before one. */
  authenticated: EdgelogApi | null = null;
  /** The Fetch read-ahead of this connection (read-ahead.ts). */
  readonly readAhead = new ReadAhead();
  /** This connection's produces, in order per partition (partition-appender.ts). */
  readonly appenders = new PartitionAppenders();

  private full(): boolean {
    return this.classic.size + this.consumers.size >= MAX_MEMBERS_PER_CONNECTION;
  }
}

/** Members by group and member id, within a bound the connection shares between tables. */
class MemberTable<T> {
  private readonly members = new Map<string, T>();

  constructor(private readonly full: () => boolean) {}

  get size(): number {
    return this.members.size;
  }

  get(groupId: string, memberId: string): T | undefined {
    return this.members.get(keyOf(groupId, memberId));
  }

  /** False when the connection already holds its bound of members. */
  remember(groupId: string, memberId: string, member: T): boolean {
    const key = keyOf(groupId, memberId);
    if (!this.members.has(key) && this.full()) return false;
    this.members.set(key, member);
    return true;
  }

  forget(groupId: string, memberId: string): void {
    this.members.delete(keyOf(groupId, memberId));
  }
}

function keyOf(groupId: string, memberId: string): string {
  return `${groupId}\u0000${memberId}`;
}
