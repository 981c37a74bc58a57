// POST /v1/topics/{topic}/partitions/{p}/records with a binary batch body
// (application/vnd.edgelog.batch, batch-frame.ts): checked in one pass against the same
// limits as a JSON produce, then forwarded to the leader as it came, never re-encoded.
// The answer is a JSON produce's (docs/PROTOCOL.md, "Binary batches").

import { catalogStub } from "../catalog/catalog-stub.js";
import type { ProducerBatch } from "../partition/producer-state.js";
import type { ProduceAnswer } from "../protocol/answers.js";
import { checkProduceFrame } from "../protocol/batch-frame.js";
import { EdgelogError, ERROR_TABLE, errorBody, refuse, unwrap } from "../protocol/errors.js";
import { batchProduceQuerySchema } from "../protocol/schemas.js";
import type { AppContext } from "./context.js";
import { callLeader } from "./leader-call.js";
import { boundedBody, parseWith, queryOf } from "./parse-input.js";
import { issuedProducers, producerOwner } from "./producer-ids.js";
import { charge } from "./quotas.js";

export async function produceBatch(c: AppContext, topic: string, partition: number): Promise<Response> {
  const limits = c.get("limits");
  const query = parseWith(batchProduceQuerySchema, queryOf(c), "query");
  const batch = await boundedBody(c, limits.maxRequestBytes);
  if (!batch) throw new EdgelogError("INVALID_REQUEST", "a binary batch body is required");
  charge(c, "produceBytes", batch.length);
  const { recordCount } = unwrap(checkProduceFrame(batch, limits));
  const producer = producerOf(query);
  if (producer) {
    const caller = producerOwner(c.get("principal"));
    refuse(await issuedProducers.verify(producer, caller, (id) => catalogStub(c.env).producerRecord(id)));
  }
  const acks = query.acks === "-1" ? "all" : query.acks;
  const append = callLeader(c.env, topic, partition, async (leader) => await leader.produce({ batch, acks, producer }));
  if (acks === "0") {
    c.executionCtx.waitUntil(append.catch((e: unknown) => console.warn("acks=0 produce failed", String(e))));
    return c.json({}, 202);
  }
  const result = await append;
  if (!result.ok) return c.json(errorBody(result.error), ERROR_TABLE[result.error.code].status);
  const answer: ProduceAnswer = {
    results: Array.from({ length: recordCount }, (_, i) => ({ partition, offset: result.baseOffset + i })),
  };
  return c.json(answer);
}

function producerOf(query: {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}): ProducerBatch | null {
  const { producerId, producerEpoch, baseSequence } = query;
  if (producerId === undefined || producerEpoch === undefined || baseSequence === undefined) return null;
  return { producerId, producerEpoch, baseSequence };
}
