// Driving one compacting replica from a test: keyed batches in, records and compaction
// progress out, and its alarm run until the passes asked for are applied.

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ProducerBatch } from "../../src/partition/producer-state.js";
import type { FetchRequest, ReplicaConfig } from "../../src/partition/replica-types.js";
import { fetchFrom, jsonRecord, produceRequest, type reopen } from "./replica-helpers.js";

export type Stub = ReturnType<typeof reopen>;
export const COMPACT: Partial<ReplicaConfig> = { cleanupPolicy: "compact", minCleanableDirtyRatio: 0 };

/** Appends `[key, value]` pairs as one batch (one row); null values are tombstones. */
export async function send(stub: Stub, pairs: [string, unknown][], producer: ProducerBatch | null = null) {
  const records = pairs.map(([key, value]) => ({
    ...jsonRecord(value, { key }),
    ...(value === null ? { value: null } : {}),
  }));
  const sent = await stub.produce(produceRequest({ acks: "all", producer, format: "json", records }));
  if (!sent.ok) throw new Error(JSON.stringify(sent.error));
  return sent;
}

export async function read(stub: Stub, offset: FetchRequest["offset"] = "earliest", maxRecords = 1_000) {
  const fetched = await stub.fetchRecords(fetchFrom(offset, maxRecords));
  if (!fetched.ok) throw new Error(JSON.stringify(fetched.error));
  const records = JSON.parse(new TextDecoder().decode(fetched.records)) as {
    offset: number;
    key: string;
    value: unknown;
  }[];
  return { records: records.map((r) => [r.offset, r.key, r.value] as const), nextOffset: fetched.nextOffset };
}

export type Progress = { appliedSeq: number; committedSeq: number; cursor: number; cleanedUpTo: number };
export type Inside = {
  compaction: { state: Progress; step(): Promise<void> };
  log: { state: { logEndOffset: number } };
};
export const progressOf = (stub: Stub) =>
  runInDurableObject(stub, (instance) => ({
    ...(instance as unknown as Inside).compaction.state,
    logEndOffset: (instance as unknown as Inside).log.state.logEndOffset,
  }));

/** Runs the alarm (one step each; alarms also fire on their own) until `passes` passes
 * are applied and, unless `partly`, the whole log is clean. */
export async function compactUntil(stub: Stub, passes: number, partly = false, maxAlarms = 200): Promise<void> {
  for (let alarms = 0; alarms < maxAlarms; alarms++) {
    const p = await progressOf(stub);
    const idle = p.appliedSeq === p.committedSeq && (partly || p.cleanedUpTo === p.logEndOffset);
    if (p.appliedSeq >= passes && idle) return;
    await runDurableObjectAlarm(stub);
  }
  throw new Error(`${passes} passes not applied after ${maxAlarms} alarms: ${JSON.stringify(await progressOf(stub))}`);
}
