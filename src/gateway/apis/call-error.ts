// A failed call to Edgelog as a Kafka error code. Only the SDK transport's typed
// errors are expected; anything else is a gateway bug, reported as a server error.

import { EdgelogClientError } from "../../client/errors.js";
import { KAFKA_ERROR, kafkaErrorOf } from "../kafka-errors.js";

export function errorCodeOf(error: unknown): number {
  if (error instanceof EdgelogClientError) return kafkaErrorOf(error.code);
  console.error("gateway: unexpected failure calling Edgelog", error);
  return KAFKA_ERROR.UNKNOWN_SERVER_ERROR;
}

export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
