// A broker appends a partition's produce requests in the order they came on a
// connection (Kafka's ordering holds per partition). The gateway's calls to Edgelog
// could overtake each other (a loaded run stored one key's kcat lines out of order), so
// a connection's produces to one partition go out one call at a time, in arrival order,
// while those to other partitions run side by side.
// One call at a time would make a client that pipelines small batches to one partition
// wait a round trip per batch, where a broker appends them back to back. So the requests
// that queue behind a call go out together as the next call: one HTTP call and one
// replica write for all of them, each still answered with its own base offset.

import { EdgelogClientError } from "../client/errors.js";
import { concatBatches } from "../protocol/record-codec.js";
import type { ProduceOptions } from "./edgelog-api.js";

/** A merged call stays well under Edgelog's default bounds on one produce
 * (maxRecordsPerRequest 10,000, maxRequestBytes 8 MiB); one request alone may exceed it. */
export const MAX_MERGED_RECORDS = 1_000;
export const MAX_MERGED_BYTES = 1024 * 1024;

type Producer = NonNullable<ProduceOptions["producer"]>;

/** One Kafka batch as an Edgelog binary batch (encodeBatch). */
export interface AppendBatch {
  frame: Uint8Array;
  recordCount: number;
  producer?: Producer | undefined;
}

export interface AppendJob {
  acks: ProduceOptions["acks"];
  /** One Produce request's batches for this partition, appended in this order. */
  batches: AppendBatch[];
  /** The call to Edgelog: the offset of the frame's first record, or null for acks=0. */
  send: (frame: Uint8Array, producer: Producer | undefined, acks: ProduceOptions["acks"]) => Promise<number | null>;
}

export type AppendOutcome = { ok: true; baseOffset: number } | { ok: false; error: unknown };

/** A request's place in a partition's queue, taken in arrival order. */
export interface AppendSlot {
  /** Appends the job once every earlier slot's job was appended or cancelled. */
  append(job: AppendJob): Promise<AppendOutcome>;
  /** Gives the place up (the request was refused before its append). */
  cancel(): void;
}

interface Entry {
  job: AppendJob | null;
  cancelled: boolean;
  settle: (outcome: AppendOutcome) => void;
}

interface Queue {
  entries: Entry[];
  running: boolean;
}

export class PartitionAppenders {
  private readonly queues = new Map<string, Queue>();

  /** A place on `partition` after every one reserved before it: reserve before the
   * first await of a request, so that places follow arrival order. */
  reserve(partition: string): AppendSlot {
    let queue = this.queues.get(partition);
    if (!queue) {
      queue = { entries: [], running: false };
      this.queues.set(partition, queue);
    }
    const entry: Entry = { job: null, cancelled: false, settle: () => {} };
    queue.entries.push(entry);
    const owner = queue;
    return {
      append: (job) =>
        new Promise<AppendOutcome>((resolve) => {
          entry.job = job;
          entry.settle = resolve;
          void this.drain(partition, owner);
        }),
      cancel: () => {
        entry.cancelled = true;
        void this.drain(partition, owner);
      },
    };
  }

  /** Partitions with a place not yet appended or cancelled. */
  get size(): number {
    return this.queues.size;
  }

  /** Sends the queue's ready head, merged with the ready jobs behind it, until its head
   * waits for a request still being read; one drain per queue at a time. */
  private async drain(partition: string, queue: Queue): Promise<void> {
    if (queue.running) return;
    queue.running = true;
    try {
      for (;;) {
        while (queue.entries[0]?.cancelled) queue.entries.shift();
        const head = queue.entries[0];
        if (!head?.job) break;
        const group = mergeable(head.job) ? takeMergeable(queue.entries) : [head];
        queue.entries.splice(0, group.length);
        await appendGroup(group);
      }
    } finally {
      queue.running = false;
      if (queue.entries.length === 0 && this.queues.get(partition) === queue) this.queues.delete(partition);
    }
  }
}

function mergeable(job: AppendJob): boolean {
  return job.batches.every((batch) => batch.producer === undefined);
}

/** The head and the ready, mergeable jobs right behind it with its acks, within the bounds. */
function takeMergeable(entries: Entry[]): Entry[] {
  const head = entries[0]!;
  const group = [head];
  let records = recordsOf(head.job!);
  let bytes = bytesOf(head.job!);
  for (const entry of entries.slice(1)) {
    if (entry.cancelled) break;
    const job = entry.job;
    if (!job || !mergeable(job) || job.acks !== head.job!.acks) break;
    records += recordsOf(job);
    bytes += bytesOf(job);
    if (records > MAX_MERGED_RECORDS || bytes > MAX_MERGED_BYTES) break;
    group.push(entry);
  }
  return group;
}

async function appendGroup(group: Entry[]): Promise<void> {
  const jobs = group.map((entry) => entry.job!);
  const head = jobs[0]!;
  if (!mergeable(head)) {
    group[0]!.settle(await appendAlone(head));
    return;
  }
  const frames = jobs.flatMap(framesOf);
  const frame = frames.length === 1 ? frames[0]! : concatBatches(frames);
  const outcome = await attempt(() => head.send(frame, undefined, head.acks));
  // An Edgelog configured with smaller bounds than the merged call's: as they came.
  if (!outcome.ok && frames.length > 1 && tooLarge(outcome.error)) {
    for (const entry of group) entry.settle(await appendAlone(entry.job!));
    return;
  }
  let next = outcome.ok ? outcome.baseOffset : -1;
  for (const [i, entry] of group.entries()) {
    entry.settle(outcome.ok ? { ok: true, baseOffset: next } : outcome);
    if (next >= 0) next += recordsOf(jobs[i]!);
  }
}

function tooLarge(error: unknown): boolean {
  return error instanceof EdgelogClientError && error.code === "RECORD_LIST_TOO_LARGE";
}

/** One request's batches, one call each, stopping at the first that fails. */
async function appendAlone(job: AppendJob): Promise<AppendOutcome> {
  let baseOffset = -1;
  for (const batch of job.batches) {
    const outcome = await attempt(() => job.send(batch.frame, batch.producer, job.acks));
    if (!outcome.ok) return outcome;
    if (baseOffset < 0) baseOffset = outcome.baseOffset;
  }
  return { ok: true, baseOffset };
}

async function attempt(call: () => Promise<number | null>): Promise<AppendOutcome> {
  try {
    return { ok: true, baseOffset: (await call()) ?? -1 };
  } catch (error) {
    return { ok: false, error };
  }
}

function framesOf(job: AppendJob): Uint8Array[] {
  return job.batches.map((batch) => batch.frame);
}

function recordsOf(job: AppendJob): number {
  return job.batches.reduce((sum, batch) => sum + batch.recordCount, 0);
}

function bytesOf(job: AppendJob): number {
  return job.batches.reduce((sum, batch) => sum + batch.frame.length, 0);
}
