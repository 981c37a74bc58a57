// The multi-partition long-poll shared by POST /v1/fetch and the group fetch: every
// partition is fetched at once and the answer comes as soon as one has records; the
// other parked waits are then cancelled, so no replica stays awake for nothing.

import type { FetchRequest, FetchResponse } from "../partition/replica-types.js";
import { EdgelogError, type ErrorData, type Result } from "../protocol/errors.js";
import type { ReadForm } from "../protocol/record-codec.js";
import type { AppContext } from "./context.js";
import { callLeader } from "./leader-call.js";
import { callerRegion } from "./replica-choice.js";

export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: number | "earliest" | "latest";
}

export interface LongPollOptions {
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
  encoding: ReadForm;
}

/** Assignable to FetchedAnswer, which the renderer takes. */
export type PartitionAnswer = { topic: string; partition: number } & (
  | { ok: true; response: FetchResponse }
  | { ok: false; error: ErrorData }
);

/** Fetches from the partition's leader, or on a followerFetch topic from the in-sync
 * replica nearest `region`. */
export async function fetchPartition(
  env: Env,
  topic: string,
  partition: number,
  request: FetchRequest,
  region: string | null,
): Promise<Result<FetchResponse>> {
  return await callLeader(
    env,
    topic,
    partition,
    async (replica): Promise<Result<FetchResponse>> => await replica.fetchRecords(request),
    region,
  );
}

/** Ends the wait parked under `waitKey` at the partition's serving replica, so that it
 * does not run out its time for nobody. */
export async function cancelWait(
  env: Env,
  topic: string,
  partition: number,
  waitKey: string,
  region: string | null,
): Promise<Result<{ cancelled: number }>> {
  return await callLeader(
    env,
    topic,
    partition,
    async (replica) => ({ ok: true as const, cancelled: await replica.cancelWait(waitKey) }),
    region,
  );
}

/** One answer per position, in order. maxBytes is shared evenly between the
 * partitions, so the answer stays near it and none starves the others (each still
 * returns at least one record when it has one, KIP-74). */
export async function longPoll(
  c: AppContext,
  positions: readonly PartitionPosition[],
  options: LongPollOptions,
): Promise<PartitionAnswer[]> {
  const waitKey = crypto.randomUUID();
  const region = callerRegion(c.req.raw);
  const { maxRecords, maxWaitMs, encoding } = options;
  const maxBytes = Math.max(1, Math.floor(options.maxBytes / Math.max(1, positions.length)));
  const pending = new Set<number>();
  let answered = false;
  let cancelling: Promise<unknown> = Promise.resolve();
  const cancelOthers = () => {
    if (answered) return;
    answered = true;
    cancelling = Promise.all(
      [...pending].map((i) => cancelWait(c.env, positions[i]!.topic, positions[i]!.partition, waitKey, region)),
    );
  };
  const answers = await Promise.all(
    positions.map(async ({ topic, partition, offset }, i): Promise<PartitionAnswer> => {
      pending.add(i);
      let result: Result<FetchResponse>;
      try {
        result = await fetchPartition(
          c.env,
          topic,
          partition,
          { offset, maxRecords, maxBytes, maxWaitMs, encoding, waitKey, allowFollower: true },
          region,
        );
      } catch (e) {
        result = {
          ok: false,
          error: e instanceof EdgelogError ? e.data : { code: "INTERNAL_ERROR", message: String(e) },
        };
      } finally {
        pending.delete(i);
      }
      if (!result.ok || result.recordCount > 0) cancelOthers();
      return result.ok
        ? { topic, partition, ok: true, response: result }
        : { topic, partition, ok: false, error: result.error };
    }),
  );
  c.executionCtx.waitUntil(cancelling.catch(() => undefined));
  return answers;
}
