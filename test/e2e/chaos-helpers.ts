// What the chaos tests share: a topic's partitions as described, faults, each
// replica's stored log, a seeded schedule of random faults, and waiting for the
// partitions to settle once every replica is healed.

import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { call } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

/** A cluster of its own with fault injection, and timeouts short enough that faults
 * are noticed within the test. */
export function startChaosCluster(name: string): Promise<Cluster> {
  return startOwnCluster(name, {
    EDGELOG_AUTH: "off",
    EDGELOG_FAULTS: "1",
    EDGELOG_LIMITS: JSON.stringify({
      ackTimeoutMs: 2_000,
      peerTimeoutMs: 600,
      livenessIntervalMs: 300,
      catchUpIntervalMs: 100,
    }),
  });
}

export type FaultKind = "crash" | "partition" | "slow" | "heal";

export interface PartitionView {
  partition: number;
  leader: number;
  isr: number[];
  logStartOffset: number;
  highWatermark: number;
}

export interface ReplicaLog {
  offsets: { logStartOffset: number; logEndOffset: number; pendingLogStartOffset: number };
  records: { offset: number }[];
}

const FAULT_KINDS: FaultKind[] = ["crash", "crash", "partition", "partition", "slow", "heal", "heal", "heal"];
const FAULT_GAP_MS = [20, 90] as const;
const SETTLE_TIMEOUT_MS = 90_000;

export function chaosTopic(url: string, topic: string, replicas: number) {
  const describeTopic = async (): Promise<PartitionView[]> => {
    const reply = await call("GET", `/v1/topics/${topic}`, undefined, {}, url);
    if (reply.status !== 200) throw new Error(`describe: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.partitions;
  };

  const fault = async (partition: number, replica: number, kind: FaultKind): Promise<void> => {
    const reply = await call("POST", "/v1/_faults", { topic, partition, replica, fault: kind }, {}, url);
    if (reply.status !== 200) throw new Error(`fault: ${reply.status} ${JSON.stringify(reply.body)}`);
  };

  const replicaLog = async (partition: number, replica: number): Promise<ReplicaLog> => {
    const query = `topic=${topic}&partition=${partition}&replica=${replica}`;
    const reply = await call("GET", `/v1/_faults/log?${query}`, undefined, {}, url);
    if (reply.status !== 200) throw new Error(`log: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  const allReplicas = Array.from({ length: replicas }, (_, r) => r);

  /** `faults` random faults (fewer once `stop` says so), half of them on leaders,
   * then every replica healed; returns how many of each kind were applied. */
  const runFaults = async (
    next: () => number,
    faults: number,
    stop: () => boolean = () => false,
  ): Promise<Map<FaultKind, number>> => {
    let view = await describeTopic();
    const applied = new Map<FaultKind, number>();
    for (let i = 0; i < faults && !stop(); i++) {
      if (i % 10 === 0) view = await describeTopic();
      const p = view[Math.floor(next() * view.length)]!;
      const onLeader = next() < 0.5 && p.leader >= 0;
      const replica = onLeader ? p.leader : Math.floor(next() * replicas);
      const kind = FAULT_KINDS[Math.floor(next() * FAULT_KINDS.length)]!;
      await fault(p.partition, replica, kind);
      applied.set(kind, (applied.get(kind) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, FAULT_GAP_MS[0] + next() * (FAULT_GAP_MS[1] - FAULT_GAP_MS[0])));
    }
    for (const p of view) for (const r of allReplicas) await fault(p.partition, r, "heal");
    return applied;
  };

  /** Waits until every partition has a leader, a full ISR, and every replica's log
   * ends at the highWatermark. With `sameStart`, also until every replica starts where
   * the leader's log does, with no logStartOffset pending, the same in two polls in a
   * row: retention may still be moving it (a new leader's first run, a run's bound). */
  const settle = async (sameStart = false): Promise<PartitionView[]> => {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let previousStarts = "";
    for (;;) {
      const view = await describeTopic();
      const logs = await Promise.all(view.map((p) => Promise.all(allReplicas.map((r) => replicaLog(p.partition, r)))));
      const starts = view.map((p) => p.logStartOffset).join();
      const settled = view.every(
        (p, i) =>
          p.leader >= 0 &&
          p.isr.length === replicas &&
          logs[i]!.every(
            (l) =>
              l.offsets.logEndOffset === p.highWatermark &&
              (!sameStart ||
                (l.offsets.logStartOffset === p.logStartOffset && l.offsets.pendingLogStartOffset <= p.logStartOffset)),
          ),
      );
      if (settled && (!sameStart || starts === previousStarts)) return view;
      previousStarts = settled ? starts : "";
      if (Date.now() > deadline) {
        const ends = logs.map((l) => l.map((r) => ({ ...r.offsets, now: Date.now() })));
        throw new Error(`not settled: ${JSON.stringify(view)}; replica offsets ${JSON.stringify(ends)}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  return { describeTopic, fault, replicaLog, runFaults, settle };
}
