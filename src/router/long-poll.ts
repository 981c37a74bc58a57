// The multi-partition long-poll shared by POST /v1/fetch and the group fetch: every
// partition is fetched at once and the answer comes as soon as one has records; the
// other parked waits are then cancelled, so no replica stays awake for nothing.

import type { FetchRequest, FetchResponse } from "../partition/partition-replica.js";
import { EdgelogError, type ErrorData, type Result } from "../protocol/errors.js";
import type { Encoding } from "../protocol/record-codec.js";
import type { AppContext } from "./context.js";
import { callLeader } from "./leader-call.js";

export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: number | "earliest" | "latest";
}

export interface LongPollOptions {
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
  encoding: Encoding;
}

export type PartitionAnswer = { topic: string; partition: number } & (
  | { ok: true; response: FetchResponse }
  | { ok: false; error: ErrorData }
);

export async function fetchPartition(
  env: Env,
  topic: string,
  partition: number,
  request: FetchRequest,
): Promise<Result<FetchResponse>> {
  return await callLeader(
    env,
    topic,
    partition,
    async (leader): Promise<Result<FetchResponse>> => await leader.fetchRecords(request),
  );
}

/** One answer per position, in order, holding up to maxBytes in all (at least one
 * record, KIP-74). */
export async function longPoll(
  c: AppContext,
  positions: readonly PartitionPosition[],
  options: LongPollOptions,
): Promise<PartitionAnswer[]> {
  const waitKey = crypto.randomUUID();
  const { maxRecords, maxBytes, maxWaitMs, encoding } = options;
  const pending = new Set<number>();
  let answered = false;
  let cancelling: Promise<unknown> = Promise.resolve();
  const cancelOthers = () => {
    if (answered) return;
    answered = true;
    cancelling = Promise.all(
      [...pending].map((i) => {
        const { topic, partition } = positions[i]!;
        return callLeader(c.env, topic, partition, async (leader) => ({
          ok: true as const,
          cancelled: await leader.cancelWait(waitKey),
        }));
      }),
    );
  };
  const answers = await Promise.all(
    positions.map(async ({ topic, partition, offset }, i): Promise<PartitionAnswer> => {
      pending.add(i);
      let result: Result<FetchResponse>;
      try {
        result = await fetchPartition(c.env, topic, partition, {
          offset,
          maxRecords,
          maxBytes,
          maxWaitMs,
          encoding,
          waitKey,
        });
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
  return fitToBudget(answers, maxBytes);
}

/** A partition over the remaining byte budget answers empty, from its requested
 * offset, so the consumer simply asks again. */
function fitToBudget(answers: readonly PartitionAnswer[], maxBytes: number): PartitionAnswer[] {
  let budget = maxBytes;
  let anyRecords = false;
  return answers.map((a) => {
    if (!a.ok) return a;
    const r = a.response;
    const fits = r.recordCount > 0 && (!anyRecords || r.sizeBytes <= budget);
    if (!fits) {
      return { ...a, response: { ...r, records: "[]", recordCount: 0, sizeBytes: 0, nextOffset: r.fetchOffset } };
    }
    budget -= r.sizeBytes;
    anyRecords = true;
    return a;
  });
}
