// Kafka's numeric error codes the gateway answers: those of Edgelog's codes (the error
// table's kafkaCode, as Edgelog's codes carry Kafka's names), and the few the gateway
// answers by itself.

import type { ClientErrorCode } from "../client/errors.js";
import { ERROR_TABLE, type ErrorCode } from "../protocol/errors.js";

export const KAFKA_ERROR = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_NOT_AVAILABLE: 15,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  SASL_AUTHENTICATION_FAILED: 58,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  FENCED_LEADER_EPOCH: 74,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  GROUP_MAX_SIZE_REACHED: 81,
  INVALID_RECORD: 87,
  THROTTLING_QUOTA_EXCEEDED: 89,
  UNKNOWN_TOPIC_ID: 100,
  FENCED_MEMBER_EPOCH: 110,
  STALE_MEMBER_EPOCH: 113,
} as const;

export type KafkaErrorName = keyof typeof KAFKA_ERROR;

/** Where the gateway answers otherwise than the error table's own Kafka code. */
const OVERRIDES: Partial<Record<ErrorCode, KafkaErrorName>> = {
  // Kafka's UNKNOWN_SERVER_ERROR is not retriable; Edgelog's INTERNAL_ERROR is, and a
  // Kafka client retries REQUEST_TIMED_OUT.
  INTERNAL_ERROR: "REQUEST_TIMED_OUT",
  // The gateway sends binary batches; a server that does not take them is of an older version.
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_VERSION",
};

/** The SDK's own codes: the HTTP call itself failed. */
const FROM_CLIENT: Record<ClientErrorCode, KafkaErrorName> = {
  NETWORK_EXCEPTION: "NETWORK_EXCEPTION",
  REQUEST_TIMED_OUT: "REQUEST_TIMED_OUT",
  INVALID_RESPONSE: "UNKNOWN_SERVER_ERROR",
  BUFFER_EXHAUSTED: "REQUEST_TIMED_OUT",
  CLIENT_CLOSED: "NETWORK_EXCEPTION",
  // The gateway's own misuse of the SDK: a bug, not something the client can retry.
  ILLEGAL_STATE: "UNKNOWN_SERVER_ERROR",
};

/** Kafka's numeric code for an Edgelog code: the error table's `kafkaCode` (an unknown
 * HTTP route, -1, means a gateway and server of different versions). */
export function kafkaErrorOf(code: ErrorCode | ClientErrorCode): number {
  if (code in FROM_CLIENT) return KAFKA_ERROR[FROM_CLIENT[code as ClientErrorCode]];
  const override = OVERRIDES[code as ErrorCode];
  return override ? KAFKA_ERROR[override] : ERROR_TABLE[code as ErrorCode].kafkaCode;
}
