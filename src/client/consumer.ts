// The group consumer (kafkajs' consumer({groupId})): subscribe, then run() with
// eachMessage or eachBatch, or `for await (const message of consumer)`. One loop
// reconciles the assignment, long-polls POST /v1/fetch across the held partitions and
// hands batches over; the membership heartbeats beside it. A revoked partition is
// committed (with autoCommit) and dropped before the next heartbeat releases it, so
// its next owner starts where this one stopped.

import { partitionKey, splitKey, type TopicPartition, toPartitions } from "../protocol/assignment.js";
import type { Assignment } from "../protocol/group.js";
import { linkedSignal } from "./abort.js";
import { Admin } from "./admin.js";
import { ConsumerEventEmitter, type ConsumerEventName, type ConsumerEvents } from "./consumer-events.js";
import { batchesOf, type FetchAnswer, fetchPartitions } from "./consumer-fetch.js";
import type { Batch, ConsumerOptions, EachBatchPayload, RunOptions } from "./consumer-types.js";
import { clientError, isRetriableError } from "./errors.js";
import { GroupMember } from "./group-member.js";
import { liveTail, type StreamOptions } from "./live-tail.js";
import type { KafkaMessage } from "./messages.js";
import { OffsetCommits } from "./offset-commits.js";
import { Positions, type StartAt, type TopicPartitionOffset } from "./positions.js";
import { reconcileAssignment } from "./reconcile-assignment.js";
import { backoffMs, type RetryOptions, sleep, waitAtMost } from "./retry.js";
import type { Transport } from "./transport.js";

export class Consumer {
  private readonly events = new ConsumerEventEmitter();
  private readonly positions = new Positions();
  private readonly paused = new Set<string>();
  private readonly pausedTopics = new Set<string>();
  private readonly topics = new Set<string>();
  private startAt: StartAt = "latest";
  private member: GroupMember | null = null;
  private owned: Assignment = {};
  private readonly commits: OffsetCommits;
  private running: Promise<void> | null = null;
  private readonly stop = new AbortController();
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
    private readonly options: ConsumerOptions,
  ) {
    this.commits = new OffsetCommits(
      transport,
      retry,
      options.groupId,
      this.positions,
      this.events,
      () => this.member,
      {
        autoCommit: options.autoCommit ?? true,
        autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5_000,
      },
    );
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** The partitions this consumer holds now. */
  assignment(): TopicPartition[] {
    return toPartitions(this.owned);
  }

  on<E extends ConsumerEventName>(event: E, listener: (payload: ConsumerEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Adds topics to the subscription; fromBeginning: partitions without a committed
   * offset start at the earliest offset instead of the latest (auto.offset.reset). */
  async subscribe({ topics, fromBeginning = false }: { topics: string[]; fromBeginning?: boolean }): Promise<void> {
    if (this.member) throw clientError("ILLEGAL_STATE", "subscribe before run() or iterating");
    for (const topic of topics) this.topics.add(topic);
    if (fromBeginning) this.startAt = "earliest";
  }

  /** Joins the group and starts consuming in the background; resolves once joined.
   * Errors from the handlers stop the consumer: see the consumer.crash event. */
  async run(options: RunOptions): Promise<void> {
    if (!options.eachMessage === !options.eachBatch)
      throw clientError("ILLEGAL_STATE", "run() needs eachMessage or eachBatch");
    if (this.running) throw clientError("ILLEGAL_STATE", "the consumer is already running");
    const { settings } = this.commits;
    settings.autoCommit = options.autoCommit ?? settings.autoCommit;
    settings.autoCommitIntervalMs = options.autoCommitIntervalMs ?? settings.autoCommitIntervalMs;
    await this.join();
    this.running = this.consume(options).catch((error) => this.crash(error));
  }

  /** The live tail of one partition (Server-Sent Events), outside the group: no
   * assignment, no commits. Reconnects with Last-Event-ID, so no record is skipped or
   * repeated; ends when `signal` aborts. `fromTimestamp` starts at the first record at
   * or after that time (Kafka's offsetsForTimes). */
  async *stream(options: StreamOptions & { fromTimestamp?: number }): AsyncGenerator<KafkaMessage, void, undefined> {
    const { fromTimestamp, ...rest } = options;
    const fromOffset =
      fromTimestamp === undefined
        ? rest.fromOffset
        : (await new Admin(this.transport, this.retry).listOffsets(rest.topic, rest.partition, fromTimestamp)).offset;
    yield* liveTail(this.transport, this.retry, { ...rest, fromOffset });
  }

  /** Messages one by one; a message counts as processed once the loop asks for the next. */
  async *[Symbol.asyncIterator](): AsyncGenerator<KafkaMessage, void, undefined> {
    if (this.running) throw clientError("ILLEGAL_STATE", "the consumer is already running");
    await this.join();
    let done!: () => void;
    this.running = new Promise((resolve) => {
      done = resolve;
    });
    try {
      for await (const batch of this.batches()) {
        for (const message of batch.messages) {
          if (!this.deliverable(message)) break;
          yield message;
          this.positions.advance(message.topic, message.partition, message.offset);
        }
        await this.commits.commitIfDue();
      }
    } finally {
      done();
    }
  }

  /** Commits the given offsets (the next offset to consume), or every processed
   * position not committed yet. */
  async commitOffsets(offsets?: TopicPartitionOffset[]): Promise<void> {
    await this.commits.commit(offsets);
  }

  /** Consumption of the partition continues at `offset`; a batch in hand stops there. */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const position = this.positions.get(topic, partition);
    if (!position)
      throw clientError("ILLEGAL_STATE", `partition ${partition} of ${topic} is not assigned to this consumer`);
    position.next = offset;
  }

  /** Stops fetching the given partitions (all of a topic's when none are listed,
   * including partitions assigned later) until resume(); may be called before run(). */
  pause(partitions: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions: ps } of partitions) {
      if (ps === undefined) this.pausedTopics.add(topic);
      for (const p of ps ?? []) this.paused.add(partitionKey(topic, p));
    }
  }

  resume(partitions: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions: ps } of partitions) {
      if (ps === undefined) this.pausedTopics.delete(topic);
      const keys = ps
        ? ps.map((p) => partitionKey(topic, p))
        : [...this.paused].filter((k) => splitKey(k).topic === topic);
      for (const key of keys) this.paused.delete(key);
    }
  }

  isPaused(topic: string, partition: number): boolean {
    return this.pausedTopics.has(topic) || this.paused.has(partitionKey(topic, partition));
  }

  /** Stops consuming, commits processed offsets (with autoCommit) and leaves the group. */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    const rebalanceTimeoutMs = this.options.rebalanceTimeoutMs ?? 300_000;
    await waitAtMost(this.running, rebalanceTimeoutMs);
    const member = this.member;
    if (!member) return;
    if (this.commits.settings.autoCommit && !member.fenced) await this.commits.commitQuietly();
    await member.leave();
  }

  private async join(): Promise<void> {
    if (this.closed) throw clientError("CLIENT_CLOSED", "the consumer is disconnected");
    if (this.topics.size === 0) throw clientError("ILLEGAL_STATE", "subscribe to at least one topic first");
    this.member = new GroupMember(this.transport, this.retry, this.groupId, [...this.topics], this.options);
    await this.member.start();
    await this.reconcile();
  }

  private async consume(options: RunOptions): Promise<void> {
    for await (const batch of this.batches()) {
      const first = batch.messages[0];
      const last = batch.messages.at(-1);
      if (!first || !last || !this.deliverable(first)) continue;
      if (options.eachBatch) {
        await options.eachBatch(this.batchPayload(batch));
        // Unless a seek moved the partition elsewhere, the whole batch is processed.
        const next = this.positions.get(batch.topic, batch.partition)?.next;
        const within = typeof next === "number" && next >= first.offset && next <= last.offset + 1;
        if ((options.eachBatchAutoResolve ?? true) && within && !this.member?.fenced) {
          this.positions.resolve(batch.topic, batch.partition, last.offset);
        }
      } else {
        for (const message of batch.messages) {
          if (!this.deliverable(message)) break;
          await options.eachMessage!({
            topic: message.topic,
            partition: message.partition,
            message,
            heartbeat: async () => this.member?.heartbeatSoon(),
          });
          this.positions.advance(message.topic, message.partition, message.offset);
        }
      }
      await this.commits.commitIfDue();
    }
  }

  /** Batches from long-polls until disconnect(); each round is bounded by maxWaitMs. */
  private async *batches(): AsyncGenerator<Batch, void, undefined> {
    const member = this.member!;
    for (let failures = 0; !this.stop.signal.aborted; ) {
      if (member.failure) throw member.failure;
      // Every round, as kafkajs does: an idle consumer commits what it processed too.
      await this.commits.commitIfDue();
      await this.reconcile();
      const wanted = toPartitions(this.owned).filter((p) => !this.isPaused(p.topic, p.partition));
      if (wanted.length === 0) {
        await member.changed(member.heartbeatIntervalMs, this.stop.signal);
        continue;
      }
      let answer: FetchAnswer;
      const changed = member.nextChange();
      const link = linkedSignal([this.stop.signal, changed]);
      try {
        answer = await fetchPartitions(
          this.transport,
          this.options,
          this.positions,
          this.startAt,
          wanted,
          member.heartbeatIntervalMs,
          link.signal,
        );
      } catch (error) {
        if (this.stop.signal.aborted) return;
        // Cut short by a new assignment: reconcile at once (a fetch changes nothing).
        if (changed.aborted) continue;
        if (!isRetriableError(error)) throw error;
        await sleep(backoffMs(this.retry, Math.min(failures++, this.retry.retries)), this.stop.signal);
        continue;
      } finally {
        link.release();
      }
      const batches = batchesOf(answer, this.positions, this.startAt);
      // A paused partition's records wait for resume(): its position has not moved.
      for (const batch of batches) if (!this.isPaused(batch.topic, batch.partition)) yield batch;
      const caughtUp = batches.every((b) => {
        const next = this.positions.get(b.topic, b.partition)?.next;
        return typeof next === "number" && next >= b.highWatermark;
      });
      const numberOfBatches = batches.filter((b) => b.messages.length).length;
      const failing = numberOfBatches === 0 && answer.partitions.some((p) => "error" in p);
      this.events.emit("consumer.fetch", { numberOfBatches, caughtUp });
      // Partitions that fail at once (leader moving, topic deleted) must not make the
      // loop spin: back off while answers hold errors and no records.
      if (failing) await sleep(backoffMs(this.retry, Math.min(failures++, this.retry.retries)), this.stop.signal);
      else failures = 0;
    }
  }

  private async reconcile(): Promise<void> {
    await reconcileAssignment({
      member: this.member!,
      owned: this.owned,
      positions: this.positions,
      paused: this.paused,
      commits: this.commits,
      startAt: this.startAt,
      events: this.events,
      adopt: (owned) => {
        this.owned = owned;
      },
    });
  }

  /** Whether to hand `message` over: the consumer still holds its partition, is not
   * stopping, the partition is not paused (a handler may pause it mid-batch: the rest
   * waits for resume), and its position is this message (seek may have moved it). */
  private deliverable(message: KafkaMessage): boolean {
    if (this.stop.signal.aborted || this.member?.fenced || this.isPaused(message.topic, message.partition))
      return false;
    return this.positions.get(message.topic, message.partition)?.next === message.offset;
  }

  private batchPayload(batch: Batch): EachBatchPayload {
    return {
      batch,
      resolveOffset: (offset) => this.positions.resolve(batch.topic, batch.partition, offset),
      heartbeat: async () => this.member?.heartbeatSoon(),
      commitOffsetsIfNecessary: () => this.commits.commitIfDue(),
      isRunning: () => !this.stop.signal.aborted,
      isStale: () => this.member?.fenced === true || !this.positions.get(batch.topic, batch.partition),
    };
  }

  /** A handler or the server failed for good: commit what was processed (the failed
   * message was not), leave, and report. */
  private async crash(error: unknown): Promise<void> {
    this.events.emit("consumer.crash", { error });
    this.stop.abort();
    this.closed = true;
    const member = this.member;
    if (!member) return;
    if (this.commits.settings.autoCommit && !member.fenced) await this.commits.commitQuietly().catch(() => {});
    await member.leave();
  }
}
