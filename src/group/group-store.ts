// The coordinator's SQLite tables: the group row (epochs), one row per member, the
// partition counts of subscribed topics as last seen, and committed offsets (Kafka's
// __consumer_offsets). Members are written only when they change, so a heartbeat
// that changes nothing writes no row.

import type { PartitionKey } from "../protocol/assignment.js";
import type { CommittedOffset, OffsetCommit, StartPosition } from "../protocol/group.js";
import type { MemberAssignmentState } from "./reconcile.js";

export interface GroupMeta {
  groupId: string;
  groupEpoch: number;
  assignmentEpoch: number;
  /** 1 once the group directory lists it. */
  registered: boolean;
}

export interface Member extends MemberAssignmentState {
  memberId: string;
  clientId: string;
  clientHost: string;
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
}

type MemberRow = {
  member_id: string;
  member_epoch: number;
  previous_member_epoch: number;
  topics: string;
  session_timeout_ms: number;
  rebalance_timeout_ms: number;
  assigned: string;
  revoking: string;
  target: string;
  client_id: string;
  client_host: string;
};

type OffsetRow = { topic: string; partition: number; committed_offset: number; metadata: string; commit_ts: number };

export class GroupStore {
  constructor(private readonly sql: SqlStorage) {
    this.createSchema();
  }

  createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS group_meta (id INTEGER PRIMARY KEY CHECK (id = 1),
      group_id TEXT NOT NULL, group_epoch INTEGER NOT NULL, assignment_epoch INTEGER NOT NULL, registered INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS members (member_id TEXT PRIMARY KEY, member_epoch INTEGER NOT NULL,
      previous_member_epoch INTEGER NOT NULL, topics TEXT NOT NULL, session_timeout_ms INTEGER NOT NULL,
      rebalance_timeout_ms INTEGER NOT NULL, assigned TEXT NOT NULL, revoking TEXT NOT NULL, target TEXT NOT NULL,
      client_id TEXT NOT NULL DEFAULT '', client_host TEXT NOT NULL DEFAULT '')`);
    this.addMemberClientColumns();
    this.sql.exec("CREATE TABLE IF NOT EXISTS topic_partitions (topic TEXT PRIMARY KEY, partitions INTEGER NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL,
      committed_offset INTEGER NOT NULL, metadata TEXT NOT NULL, commit_ts INTEGER NOT NULL, PRIMARY KEY (topic, partition))`);
  }

  /** Tables made before members had a client id and host get the columns, empty. */
  private addMemberClientColumns(): void {
    const columns = this.sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('members')")
      .toArray()
      .map((c) => c.name);
    for (const column of ["client_id", "client_host"]) {
      if (!columns.includes(column)) this.sql.exec(`ALTER TABLE members ADD COLUMN ${column} TEXT NOT NULL DEFAULT ''`);
    }
  }

  meta(): GroupMeta | null {
    const row = this.sql
      .exec<{ group_id: string; group_epoch: number; assignment_epoch: number; registered: number }>(
        "SELECT group_id, group_epoch, assignment_epoch, registered FROM group_meta",
      )
      .toArray()[0];
    return row
      ? {
          groupId: row.group_id,
          groupEpoch: row.group_epoch,
          assignmentEpoch: row.assignment_epoch,
          registered: row.registered === 1,
        }
      : null;
  }

  saveMeta(meta: GroupMeta): void {
    this.sql.exec(
      `INSERT INTO group_meta (id, group_id, group_epoch, assignment_epoch, registered) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET group_epoch = excluded.group_epoch,
       assignment_epoch = excluded.assignment_epoch, registered = excluded.registered`,
      meta.groupId,
      meta.groupEpoch,
      meta.assignmentEpoch,
      meta.registered ? 1 : 0,
    );
  }

  members(): Member[] {
    return this.sql
      .exec<MemberRow>("SELECT * FROM members ORDER BY member_id")
      .toArray()
      .map((r) => ({
        memberId: r.member_id,
        clientId: r.client_id,
        clientHost: r.client_host,
        memberEpoch: r.member_epoch,
        previousMemberEpoch: r.previous_member_epoch,
        topics: JSON.parse(r.topics),
        sessionTimeoutMs: r.session_timeout_ms,
        rebalanceTimeoutMs: r.rebalance_timeout_ms,
        assigned: keys(r.assigned),
        revoking: keys(r.revoking),
        target: keys(r.target),
      }));
  }

  /** The member's row text, to tell whether a call changed it. */
  static fingerprint(m: Member): string {
    return JSON.stringify([
      m.memberEpoch,
      m.previousMemberEpoch,
      m.topics,
      m.sessionTimeoutMs,
      m.rebalanceTimeoutMs,
      [...m.assigned],
      [...m.revoking],
      [...m.target],
      m.clientId,
      m.clientHost,
    ]);
  }

  saveMember(m: Member): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO members (member_id, member_epoch, previous_member_epoch, topics, session_timeout_ms,
       rebalance_timeout_ms, assigned, revoking, target, client_id, client_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.memberId,
      m.memberEpoch,
      m.previousMemberEpoch,
      JSON.stringify(m.topics),
      m.sessionTimeoutMs,
      m.rebalanceTimeoutMs,
      JSON.stringify([...m.assigned]),
      JSON.stringify([...m.revoking]),
      JSON.stringify([...m.target]),
      m.clientId,
      m.clientHost,
    );
  }

  deleteMember(memberId: string): void {
    this.sql.exec("DELETE FROM members WHERE member_id = ?", memberId);
  }

  partitionCounts(): Map<string, number> {
    return new Map(
      this.sql
        .exec<{ topic: string; partitions: number }>("SELECT topic, partitions FROM topic_partitions")
        .toArray()
        .map((r) => [r.topic, r.partitions]),
    );
  }

  savePartitionCount(topic: string, partitions: number): void {
    this.sql.exec("INSERT OR REPLACE INTO topic_partitions (topic, partitions) VALUES (?, ?)", topic, partitions);
  }

  commit(offsets: readonly OffsetCommit[], nowMs: number): void {
    for (const o of offsets) {
      this.sql.exec(
        "INSERT OR REPLACE INTO offsets (topic, partition, committed_offset, metadata, commit_ts) VALUES (?, ?, ?, ?, ?)",
        o.topic,
        o.partition,
        o.offset,
        o.metadata ?? "",
        nowMs,
      );
    }
  }

  /** Stores each start position whose partition still has the committed offset it replaces. */
  commitStartPositions(positions: readonly StartPosition[], nowMs: number): void {
    const unchanged = positions.filter((p) => this.committedOffset(p.topic, p.partition) === p.replaces);
    this.commit(unchanged, nowMs);
  }

  committed(): CommittedOffset[] {
    return this.sql
      .exec<OffsetRow>("SELECT * FROM offsets ORDER BY topic, partition")
      .toArray()
      .map((r) => ({
        topic: r.topic,
        partition: r.partition,
        offset: r.committed_offset,
        metadata: r.metadata,
        commitTimestamp: r.commit_ts,
      }));
  }

  committedOffset(topic: string, partition: number): number | null {
    const row = this.sql
      .exec<{ committed_offset: number }>(
        "SELECT committed_offset FROM offsets WHERE topic = ? AND partition = ?",
        topic,
        partition,
      )
      .toArray()[0];
    return row ? row.committed_offset : null;
  }
}

function keys(json: string): Set<PartitionKey> {
  return new Set(JSON.parse(json) as PartitionKey[]);
}
