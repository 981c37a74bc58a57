// InitProducerId (key 22) for idempotent producers: a new producer id from
// POST /v1/producers. Transactional ids are refused: Edgelog has no transactions.

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

export const initProducerIdApi: KafkaApi = {
  key: 22,
  name: "InitProducerId",
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 2,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const transactionalId = request.nullableString(false);
    request.int32(); // transaction_timeout_ms
    if (transactionalId !== null) return body(KAFKA_ERROR.INVALID_REQUEST, -1, -1);
    try {
      const producer = await context.edgelog.initProducerId();
      return body(KAFKA_ERROR.NONE, producer.producerId, producer.producerEpoch);
    } catch (error) {
      return body(errorCodeOf(error), -1, -1);
    }
  },
};

function body(errorCode: number, producerId: number, producerEpoch: number): Writer {
  return new Writer().int32(NO_THROTTLE_MS).int16(errorCode).int64(producerId).int16(producerEpoch);
}
