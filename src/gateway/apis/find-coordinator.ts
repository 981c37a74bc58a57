// FindCoordinator (key 10), v0-v2: the gateway is every group's coordinator (it maps
// the group protocol onto Edgelog's). Transaction coordinators do not exist.

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

const GROUP_KEY_TYPE = 0;

export const findCoordinatorApi: KafkaApi = {
  key: 10,
  name: "FindCoordinator",
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 3,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, gateway } = context;
    request.string(false); // key: the group id
    const keyType = version >= 1 ? request.int8() : GROUP_KEY_TYPE;
    const errorCode = keyType === GROUP_KEY_TYPE ? KAFKA_ERROR.NONE : KAFKA_ERROR.COORDINATOR_NOT_AVAILABLE;
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.int16(errorCode);
    if (version >= 1) writer.nullableString(errorCode === KAFKA_ERROR.NONE ? null : "no transactions", false);
    return writer.int32(gateway.nodeId).string(gateway.host, false).int32(gateway.port);
  },
};
