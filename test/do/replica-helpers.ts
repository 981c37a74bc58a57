import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TimerClock } from "../../src/common/clock.js";
import type { ProducerBatch } from "../../src/partition/producer-state.js";
import type {
  Acks,
  FetchRequest,
  ProduceRequest,
  ReplicaAssignment,
  ReplicaConfig,
} from "../../src/partition/replica-types.js";
import { encodeBatch, type ProduceRecord, type RecordFormat } from "../../src/protocol/record-codec.js";
import { ManualClock } from "../manual-clock.js";

const utf8 = new TextEncoder();
let next = 0;

export const TEST_CONFIG: ReplicaConfig = {
  retentionMs: -1,
  retentionBytes: -1,
  minInsyncReplicas: 1,
  replicaLagTimeMs: 30_000,
  followerFetch: false,
  placement: [],
  jurisdiction: null,
  cleanupPolicy: "delete",
  minCompactionLagMs: 0,
  maxCompactionLagMs: -1,
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
};

/** An assignment of replica `replica` of partition 0; one replica, itself leader, unless
 * `state` says otherwise. */
export function assignment(
  topicId: string,
  replica: number,
  state: Partial<ReplicaAssignment["state"]> = {},
  config: Partial<ReplicaConfig> = {},
): ReplicaAssignment {
  return {
    topicId,
    replica,
    state: { partition: 0, replicas: [0], leader: 0, leaderEpoch: 0, isr: [0], partitionEpoch: 0, ...state },
    config: { ...TEST_CONFIG, ...config },
  };
}

/** A fresh single-replica leader with its own name, so tests never share state. */
export async function leaderReplica(config: Partial<ReplicaConfig> = {}) {
  const topicId = `t${next++}-${crypto.randomUUID()}`;
  const stub = env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/0`));
  const assigned = await stub.assign(assignment(topicId, 0, {}, config));
  if (!assigned.ok) throw new Error(JSON.stringify(assigned.error));
  return { stub, topicId };
}

export function jsonRecord(value: unknown, options: { key?: string; timestamp?: number } = {}): ProduceRecord {
  return {
    key: options.key === undefined ? null : utf8.encode(options.key),
    value: utf8.encode(JSON.stringify(value)),
    headers: [],
    timestamp: options.timestamp ?? null,
  };
}

/** A produce call's request, its records encoded as the router encodes them. */
export function produceRequest(request: {
  acks: Acks;
  producer: ProducerBatch | null;
  format: RecordFormat;
  records: ProduceRecord[];
}): ProduceRequest {
  return { acks: request.acks, producer: request.producer, batch: encodeBatch(request.records, request.format) };
}

/** A leader's JSON fetch from `offset` that does not wait. */
export const fetchFrom = (offset: FetchRequest["offset"], maxRecords = 1_000): FetchRequest => ({
  offset,
  maxRecords,
  maxBytes: 1 << 20,
  maxWaitMs: 0,
  encoding: "json",
  waitKey: null,
  allowFollower: false,
});

/** A record whose value is `sizeBytes` long once JSON-encoded. */
export function sizedRecord(sizeBytes: number, timestamp?: number): ProduceRecord {
  return jsonRecord("x".repeat(sizeBytes - 2), timestamp === undefined ? {} : { timestamp });
}

/** A new stub for the replica: after abortAllDurableObjects() old stubs are broken. */
export function reopen(topicId: string) {
  return env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/0`));
}

/** Polls `check` until it holds; alarms due now fire on their own, so tests wait for
 * their effect rather than race them. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type ReplicaStub = ReturnType<typeof reopen>;

/** Gives the replica a clock (and timers) that move only when the test says. */
export async function manualClock(stub: ReplicaStub): Promise<ManualClock> {
  const clock = new ManualClock(Date.now());
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { clock: TimerClock }).clock = clock;
  });
  return clock;
}

/** Moves the replica's manual clock on, inside the object (its timers fire there). */
export async function advance(stub: ReplicaStub, clock: ManualClock, ms: number): Promise<void> {
  await runInDurableObject(stub, () => clock.advance(ms));
}

/** How many fetches the replica has parked. */
export async function parkedFetches(stub: ReplicaStub): Promise<number> {
  return await runInDurableObject(
    stub,
    (instance) => (instance as unknown as { waiters: { size: number } }).waiters.size,
  );
}

/** Waits until the replica has parked `count` fetches: the calls are on their way. */
export async function untilParked(stub: ReplicaStub, count: number): Promise<void> {
  await eventually(async () => (await parkedFetches(stub)) === count);
}
