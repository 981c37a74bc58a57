// FindCoordinator (key 10), v0-v4: the gateway is every group's coordinator (it maps
// the group protocol onto Edgelog's). Transaction coordinators do not exist. v4 asks
// for several keys at once (KIP-699) and answers one coordinator per key.

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type GatewayIdentity, type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

const GROUP_KEY_TYPE = 0;
const BATCHED_FROM = 4;

export const findCoordinatorApi: KafkaApi = {
  key: 10,
  name: "FindCoordinator",
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible, gateway } = context;
    if (version >= BATCHED_FROM) {
      const keyType = request.int8();
      const keys = request.array(true, (key) => key.string(true));
      request.endStruct(true);
      const errorCode = errorCodeOf(keyType);
      return new Writer()
        .int32(NO_THROTTLE_MS)
        .array(keys, true, (w, key) => {
          w.string(key, true);
          writeCoordinator(w, gateway, true);
          w.int16(errorCode).nullableString(messageOf(errorCode), true).endStruct(true);
        })
        .endStruct(true);
    }
    request.string(flexible); // key: the group id
    const keyType = version >= 1 ? request.int8() : GROUP_KEY_TYPE;
    request.endStruct(flexible);
    const errorCode = errorCodeOf(keyType);
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.int16(errorCode);
    if (version >= 1) writer.nullableString(messageOf(errorCode), flexible);
    return writeCoordinator(writer, gateway, flexible).endStruct(flexible);
  },
};

function errorCodeOf(keyType: number): number {
  return keyType === GROUP_KEY_TYPE ? KAFKA_ERROR.NONE : KAFKA_ERROR.COORDINATOR_NOT_AVAILABLE;
}

function messageOf(errorCode: number): string | null {
  return errorCode === KAFKA_ERROR.NONE ? null : "no transactions";
}

function writeCoordinator(writer: Writer, gateway: GatewayIdentity, flexible: boolean): Writer {
  return writer.int32(gateway.nodeId).string(gateway.host, flexible).int32(gateway.port);
}
