// The controller's SQLite: the topic row (config, metadata version, counters), each
// partition's state, and the replicas that missed a change of it. The epoch
// invariants are asserted here, on every write of a partition's state.

import { invariant } from "../common/invariant.js";
import {
  type PartitionState,
  storedTopicConfig,
  type TopicConfig,
  type TopicCounters,
  type TopicMetadata,
} from "../protocol/topic.js";

type TopicRow = {
  topic_id: string;
  name: string;
  version: number;
  config: string;
  isr_shrinks: number;
  isr_expands: number;
  elections: number;
};

type PartitionRow = {
  partition: number;
  replicas: string;
  leader: number;
  leader_epoch: number;
  isr: string;
  partition_epoch: number;
};

export type Counter = "isr_shrinks" | "isr_expands" | "elections";

/** Replicas told again per liveness round at most. */
const MAX_UNINFORMED_READ = 1000;

export class TopicStore {
  constructor(private readonly sql: SqlStorage) {
    this.createSchema();
  }

  /** The tables again, after deleteAll dropped them with the topic. */
  createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS topic (
      id INTEGER PRIMARY KEY CHECK (id = 1), topic_id TEXT NOT NULL, name TEXT NOT NULL,
      version INTEGER NOT NULL, config TEXT NOT NULL, isr_shrinks INTEGER NOT NULL,
      isr_expands INTEGER NOT NULL, elections INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS partitions (
      partition INTEGER PRIMARY KEY, replicas TEXT NOT NULL, leader INTEGER NOT NULL,
      leader_epoch INTEGER NOT NULL, isr TEXT NOT NULL, partition_epoch INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS uninformed (
      partition INTEGER NOT NULL, replica INTEGER NOT NULL, PRIMARY KEY (partition, replica))`);
  }

  insertTopic(topicId: string, name: string, config: TopicConfig): void {
    this.sql.exec(
      "INSERT INTO topic (id, topic_id, name, version, config, isr_shrinks, isr_expands, elections) VALUES (1, ?, ?, 1, ?, 0, 0, 0)",
      topicId,
      name,
      JSON.stringify(config),
    );
  }

  /** The topic as routers cache it; null when it does not exist (or was deleted). */
  metadata(): TopicMetadata | null {
    const topic = this.topicRow();
    if (!topic) return null;
    const partitions = this.sql
      .exec<PartitionRow>("SELECT * FROM partitions ORDER BY partition")
      .toArray()
      .map(toPartitionState);
    return {
      name: topic.name,
      topicId: topic.topic_id,
      version: topic.version,
      config: storedTopicConfig(topic.config),
      partitions,
    };
  }

  counters(): TopicCounters {
    const row = this.topicRow();
    invariant(row, "the topic exists");
    return { isrShrinks: row.isr_shrinks, isrExpands: row.isr_expands, elections: row.elections };
  }

  saveConfig(config: TopicConfig): void {
    this.sql.exec("UPDATE topic SET config = ?", JSON.stringify(config));
    this.bumpVersion();
  }

  /** Partitions [from, to) with every replica in the ISR and replica 0 leading. */
  insertPartitions(from: number, to: number, config: TopicConfig): void {
    const replicas = Array.from({ length: config.replicationFactor }, (_, i) => i);
    for (let partition = from; partition < to; partition++) {
      this.sql.exec(
        "INSERT INTO partitions (partition, replicas, leader, leader_epoch, isr, partition_epoch) VALUES (?, ?, 0, 0, ?, 0)",
        partition,
        JSON.stringify(replicas),
        JSON.stringify(replicas),
      );
    }
  }

  /** A change routers must see: their cached metadata of an older version is stale. */
  bumpVersion(): void {
    this.sql.exec("UPDATE topic SET version = version + 1");
  }

  partitionState(partition: number): PartitionState | null {
    const row = this.sql.exec<PartitionRow>("SELECT * FROM partitions WHERE partition = ?", partition).toArray()[0];
    return row ? toPartitionState(row) : null;
  }

  saveState(state: PartitionState): void {
    const previous = this.partitionState(state.partition);
    invariant(previous, "state of an existing partition");
    invariant(state.leaderEpoch >= previous.leaderEpoch, "leaderEpoch never decreases");
    invariant(state.partitionEpoch > previous.partitionEpoch, "partitionEpoch grows with every change");
    this.sql.exec(
      "UPDATE partitions SET leader = ?, leader_epoch = ?, isr = ?, partition_epoch = ? WHERE partition = ?",
      state.leader,
      state.leaderEpoch,
      JSON.stringify(state.isr),
      state.partitionEpoch,
      state.partition,
    );
    this.bumpVersion();
  }

  count(counter: Counter): void {
    this.sql.exec(`UPDATE topic SET ${counter} = ${counter} + 1`);
  }

  /** Remembers (or forgets) that a replica missed its partition's latest state. */
  markUninformed(partition: number, replica: number, uninformed: boolean): void {
    if (uninformed) {
      this.sql.exec("INSERT OR IGNORE INTO uninformed (partition, replica) VALUES (?, ?)", partition, replica);
    } else {
      this.sql.exec("DELETE FROM uninformed WHERE partition = ? AND replica = ?", partition, replica);
    }
  }

  uninformed(): { partition: number; replica: number }[] {
    return this.sql
      .exec<{ partition: number; replica: number }>(
        "SELECT partition, replica FROM uninformed LIMIT ?",
        MAX_UNINFORMED_READ,
      )
      .toArray();
  }

  private topicRow(): TopicRow | undefined {
    return this.sql.exec<TopicRow>("SELECT * FROM topic").toArray()[0];
  }
}

function toPartitionState(row: PartitionRow): PartitionState {
  return {
    partition: row.partition,
    replicas: JSON.parse(row.replicas),
    leader: row.leader,
    leaderEpoch: row.leader_epoch,
    isr: JSON.parse(row.isr),
    partitionEpoch: row.partition_epoch,
  };
}
