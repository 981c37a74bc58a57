// Membership of one consumer in a group, on the KIP-848 heartbeat: join, heartbeat
// every heartbeatIntervalMs (sooner when asked), tell the coordinator which
// partitions the consumer still holds (ownedPartitions), rejoin after being fenced
// once the consumer has dropped everything, leave on disconnect.

import { sameAssignment } from "../protocol/assignment.js";
import type { HeartbeatResponse } from "../protocol/group.js";
import { type Assignment, JOIN_EPOCH, LEAVE_EPOCH } from "../protocol/group.js";
import { hasCode, isRetriableError } from "./errors.js";
import { backoffMs, type RetryOptions, sleep, waitAtMost, withRetry } from "./retry.js";
import { segment, type Transport } from "./transport.js";

export interface MembershipOptions {
  /** Names this client in group descriptions (Kafka's client.id). Default "edgelog-sdk". */
  clientId?: string | undefined;
  sessionTimeoutMs?: number | undefined;
  rebalanceTimeoutMs?: number | undefined;
}

const DEFAULT_CLIENT_ID = "edgelog-sdk";
/** Before the first answer says otherwise. */
const INITIAL_HEARTBEAT_INTERVAL_MS = 3_000;

export class GroupMember {
  /** Chosen by the client (KIP-1082), so a lost join answer cannot leave a ghost member. */
  readonly memberId: string = crypto.randomUUID();
  memberEpoch = JOIN_EPOCH;
  heartbeatIntervalMs = INITIAL_HEARTBEAT_INTERVAL_MS;
  /** What the coordinator lets this member consume now. */
  assignment: Assignment = {};
  /** What the consumer holds, as it tells the coordinator. */
  owned: Assignment = {};
  /** The coordinator no longer knows this member at its epoch: the consumer must drop
   * every partition (without committing) before the member rejoins. */
  fenced = false;
  /** A non-retriable heartbeat failure: the consumer stops with it. */
  failure: unknown = null;

  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeLoop: AbortController = new AbortController();
  private readonly changeWaiters: (() => void)[] = [];
  private changeSignal = new AbortController();

  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
    readonly groupId: string,
    private readonly topics: string[],
    private readonly options: MembershipOptions,
  ) {}

  /** Joins and starts heartbeating. */
  async start(): Promise<void> {
    await withRetry(this.retry, () => this.heartbeat());
    this.loop ??= this.run();
  }

  /** Heartbeats at once (after the consumer released partitions). */
  heartbeatSoon(): void {
    this.wakeLoop.abort();
  }

  /** Aborts at the next change of the assignment or the fenced flag: a long-poll
   * ends then, so a revoked partition is released without waiting it out. */
  nextChange(): AbortSignal {
    return this.changeSignal.signal;
  }

  /** Resolves when the assignment or the fenced flag changes, or after `timeoutMs`. */
  async changed(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    let wake!: () => void;
    const waiting = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.changeWaiters.push(wake);
    const onAbort = () => wake();
    signal?.addEventListener("abort", onAbort, { once: true });
    await waitAtMost(waiting, timeoutMs);
    signal?.removeEventListener("abort", onAbort);
    const i = this.changeWaiters.indexOf(wake);
    if (i >= 0) this.changeWaiters.splice(i, 1);
  }

  /** Stops heartbeating and leaves the group (memberEpoch -1), one attempt: a member
   * that cannot say goodbye is expired by its session timeout anyway. */
  async leave(): Promise<void> {
    this.stopped = true;
    this.wakeLoop.abort();
    await this.loop;
    if (this.memberEpoch === JOIN_EPOCH && Object.keys(this.assignment).length === 0) return;
    try {
      await this.send({ memberId: this.memberId, memberEpoch: LEAVE_EPOCH });
    } catch {
      // Best effort, as Kafka's LeaveGroup on close.
    }
  }

  /** Stops heartbeating without leaving: a crash, as the coordinator will see it. */
  async abandon(): Promise<void> {
    this.stopped = true;
    this.wakeLoop.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    // Bounded by stop(): each round waits heartbeatIntervalMs or a wake-up.
    for (let failures = 0; !this.stopped; ) {
      await sleep(failures > 0 ? backoffMs(this.retry, failures - 1) : this.heartbeatIntervalMs, this.wakeLoop.signal);
      if (this.wakeLoop.signal.aborted) this.wakeLoop = new AbortController();
      if (this.stopped) return;
      // A fenced member rejoins only once the consumer holds nothing.
      if (this.fenced && Object.keys(this.owned).length > 0) continue;
      try {
        await this.heartbeat();
        failures = 0;
      } catch (error) {
        if (!isRetriableError(error)) {
          this.failure = error;
          this.notify();
          return;
        }
        failures = Math.min(failures + 1, this.retry.retries + 1);
      }
    }
  }

  private async heartbeat(): Promise<void> {
    const joining = this.memberEpoch === JOIN_EPOCH;
    const body = joining
      ? {
          memberId: this.memberId,
          memberEpoch: JOIN_EPOCH,
          topics: this.topics,
          clientId: this.options.clientId ?? DEFAULT_CLIENT_ID,
          sessionTimeoutMs: this.options.sessionTimeoutMs,
          rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        }
      : { memberId: this.memberId, memberEpoch: this.memberEpoch, ownedPartitions: this.owned };
    try {
      const answer = await this.send(body);
      const changed = this.fenced || !sameAssignment(this.assignment, answer.assignment);
      this.fenced = false;
      this.memberEpoch = answer.memberEpoch;
      this.heartbeatIntervalMs = answer.heartbeatIntervalMs;
      this.assignment = answer.assignment;
      if (changed) this.notify();
    } catch (error) {
      if (!hasCode(error, "UNKNOWN_MEMBER_ID", "FENCED_MEMBER_EPOCH")) throw error;
      // Kafka's "lost partitions": drop everything, then join again with epoch 0.
      this.fenced = true;
      this.memberEpoch = JOIN_EPOCH;
      this.assignment = {};
      this.notify();
    }
  }

  private async send(body: object): Promise<HeartbeatResponse> {
    return await this.transport.request<HeartbeatResponse>(
      "POST",
      `/v1/groups/${segment(this.groupId)}/heartbeat`,
      body,
    );
  }

  private notify(): void {
    for (const wake of this.changeWaiters.splice(0)) wake();
    this.changeSignal.abort();
    this.changeSignal = new AbortController();
  }
}
