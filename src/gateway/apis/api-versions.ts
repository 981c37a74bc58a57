// ApiVersions (key 18): the versions the gateway serves. A version it does not know
// is answered in v0's encoding with UNSUPPORTED_VERSION and the list, as brokers do,
// so the client retries with one it shares.

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

export const API_VERSIONS_KEY = 18;

export function apiVersionsApi(apis: () => readonly KafkaApi[]): KafkaApi {
  return {
    key: API_VERSIONS_KEY,
    name: "ApiVersions",
    minVersion: 0,
    maxVersion: 3,
    flexibleFrom: 3,
    async handle(request: Reader, context: RequestContext): Promise<Writer> {
      if (context.flexible) {
        request.string(true); // client_software_name
        request.string(true); // client_software_version
        request.skipTaggedFields();
      }
      return apiVersionsBody(apis(), context.version, KAFKA_ERROR.NONE);
    },
  };
}

export function apiVersionsBody(apis: readonly KafkaApi[], version: number, errorCode: number): Writer {
  const flexible = version >= 3;
  const writer = new Writer().int16(errorCode);
  writer.array(apis, flexible, (entry, api) => {
    entry.int16(api.key).int16(api.minVersion).int16(api.maxVersion).endStruct(flexible);
  });
  if (version >= 1) writer.int32(NO_THROTTLE_MS);
  return writer.endStruct(flexible);
}
