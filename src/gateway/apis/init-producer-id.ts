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
  maxVersion: 3,
  flexibleFrom: 2,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const transactionalId = request.nullableString(flexible);
    request.int32(); // transaction_timeout_ms
    if (version >= 3) {
      // producer_id and producer_epoch (KIP-360): a producer asking to bump its epoch gets a new id instead
      request.int64();
      request.int16();
    }
    request.endStruct(flexible);
    if (transactionalId !== null) return body(KAFKA_ERROR.INVALID_REQUEST, -1, -1, flexible);
    try {
      const producer = await context.edgelog.initProducerId();
      return body(KAFKA_ERROR.NONE, producer.producerId, producer.producerEpoch, flexible);
    } catch (error) {
      return body(errorCodeOf(error), -1, -1, flexible);
    }
  },
};

function body(errorCode: number, producerId: number, producerEpoch: number, flexible: boolean): Writer {
  return new Writer().int32(NO_THROTTLE_MS).int16(errorCode).int64(producerId).int16(producerEpoch).endStruct(flexible);
}
