// The consumer's commit policy: commit processed positions on request, every
// autoCommitIntervalMs with autoCommit, and quietly where consuming must go on; and
// read the group's committed offsets for newly assigned partitions.

import type { TopicPartition } from "../protocol/assignment.js";
import { partitionKey } from "../protocol/assignment.js";
import type { ConsumerEventEmitter } from "./consumer-events.js";
import { clientError, hasCode, isRetriableError } from "./errors.js";
import type { GroupMember } from "./group-member.js";
import type { Positions, TopicPartitionOffset } from "./positions.js";
import { type RetryOptions, withRetry } from "./retry.js";
import { segment, type Transport } from "./transport.js";

interface CommittedAnswer {
  offsets: { topic: string; partition: number; offset: number }[];
}

export interface CommitSettings {
  autoCommit: boolean;
  autoCommitIntervalMs: number;
}

export class OffsetCommits {
  private lastCommitMs = Date.now();

  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
    private readonly groupId: string,
    private readonly positions: Positions,
    private readonly events: ConsumerEventEmitter,
    private readonly member: () => GroupMember | null,
    readonly settings: CommitSettings,
  ) {}

  /** Commits the given offsets (the next offset to consume), or every processed
   * position not committed yet. */
  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    const member = this.member();
    if (!member) throw clientError("CLIENT_CLOSED", "the consumer has not joined its group");
    const chosen = offsets ?? this.positions.uncommitted();
    if (chosen.length === 0) return;
    await withRetry(
      this.retry,
      () =>
        this.transport.request("POST", `/v1/groups/${segment(this.groupId)}/offsets`, {
          memberId: member.memberId,
          memberEpoch: member.memberEpoch,
          offsets: chosen.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
        }),
      // STALE_MEMBER_EPOCH is retriable after a heartbeat: have one now.
      () => member.heartbeatSoon(),
    );
    this.positions.committed(chosen);
    this.lastCommitMs = Date.now();
    this.events.emit("consumer.commit_offsets", { offsets: chosen });
  }

  /** Commits on a path that must go on (revocation, disconnect): a commit refused
   * because the member was fenced meanwhile only means the records come again. */
  async commitQuietly(only?: TopicPartition[]): Promise<void> {
    try {
      await this.commit(this.positions.uncommitted(only));
    } catch (error) {
      if (!hasCode(error, "UNKNOWN_MEMBER_ID", "FENCED_MEMBER_EPOCH") && !isRetriableError(error)) throw error;
    }
  }

  async commitIfDue(): Promise<void> {
    const { autoCommit, autoCommitIntervalMs } = this.settings;
    if (autoCommit && Date.now() - this.lastCommitMs >= autoCommitIntervalMs) await this.commitQuietly();
  }

  /** The group's committed offsets by partition key; none for a group never committed to. */
  async committedOffsets(): Promise<Map<string, number>> {
    try {
      const answer = await withRetry(this.retry, () =>
        this.transport.request<CommittedAnswer>("GET", `/v1/groups/${segment(this.groupId)}/offsets`),
      );
      return new Map(answer.offsets.map((o) => [partitionKey(o.topic, o.partition), o.offset]));
    } catch (error) {
      // A group with no commits yet may not exist.
      if (hasCode(error, "GROUP_ID_NOT_FOUND")) return new Map();
      throw error;
    }
  }
}
