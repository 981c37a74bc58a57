// What one client connection remembers between its requests: its SASL login, and the
// classic group members it joined through it (what each was handed at SyncGroup).
// Soft state: if the connection drops, the client's next Heartbeat on another one
// finds nothing here and is told to rejoin, and the coordinator (in Edgelog) stays the
// only source of truth for assignments.

import type { Assignment, EdgelogApi } from "./edgelog-api.js";

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

/** A connection normally carries one consumer's group; this bounds a misbehaving one. */
export const MAX_MEMBERS_PER_CONNECTION = 64;

export class ConnectionSession {
  private readonly members = new Map<string, ClassicMember>();
  /** Edgelog as the token of a SASL PLAIN login on this connection; null before one. */
  authenticated: EdgelogApi | null = null;

  member(groupId: string, memberId: string): ClassicMember | undefined {
    return this.members.get(keyOf(groupId, memberId));
  }

  /** False when the connection already holds its bound of members. */
  remember(groupId: string, memberId: string, member: ClassicMember): boolean {
    const key = keyOf(groupId, memberId);
    if (!this.members.has(key) && this.members.size >= MAX_MEMBERS_PER_CONNECTION) return false;
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
