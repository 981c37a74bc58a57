// One table of error codes, shared by the server and the SDK. Codes are Kafka's error
// names where Kafka has one; clients decide whether to retry from `retriable` alone.
// `kafkaCode` is Kafka's numeric error code (-1, UNKNOWN_SERVER_ERROR, where Kafka has
// no such error), which the kafkajs-compatible API reports as KafkaJSProtocolError.code.

export const ERROR_TABLE = {
  INVALID_REQUEST: { status: 400, retriable: false, kafkaCode: 42 },
  INVALID_TOPIC_EXCEPTION: { status: 400, retriable: false, kafkaCode: 17 },
  INVALID_PARTITIONS: { status: 400, retriable: false, kafkaCode: 37 },
  INVALID_REPLICATION_FACTOR: { status: 400, retriable: false, kafkaCode: 38 },
  INVALID_CONFIG: { status: 400, retriable: false, kafkaCode: 40 },
  INVALID_RECORD: { status: 400, retriable: false, kafkaCode: 87 },
  SASL_AUTHENTICATION_FAILED: { status: 401, retriable: false, kafkaCode: 58 },
  TOPIC_AUTHORIZATION_FAILED: { status: 403, retriable: false, kafkaCode: 29 },
  GROUP_AUTHORIZATION_FAILED: { status: 403, retriable: false, kafkaCode: 30 },
  CLUSTER_AUTHORIZATION_FAILED: { status: 403, retriable: false, kafkaCode: 31 },
  UNKNOWN_TOPIC_OR_PARTITION: { status: 404, retriable: false, kafkaCode: 3 },
  GROUP_ID_NOT_FOUND: { status: 404, retriable: false, kafkaCode: 69 },
  NOT_FOUND: { status: 404, retriable: false, kafkaCode: -1 },
  METHOD_NOT_ALLOWED: { status: 405, retriable: false, kafkaCode: -1 },
  TOPIC_ALREADY_EXISTS: { status: 409, retriable: false, kafkaCode: 36 },
  NON_EMPTY_GROUP: { status: 409, retriable: false, kafkaCode: 68 },
  GROUP_MAX_SIZE_REACHED: { status: 409, retriable: false, kafkaCode: 81 },
  UNKNOWN_MEMBER_ID: { status: 409, retriable: false, kafkaCode: 25 },
  FENCED_MEMBER_EPOCH: { status: 409, retriable: false, kafkaCode: 110 },
  STALE_MEMBER_EPOCH: { status: 409, retriable: true, kafkaCode: 113 },
  INVALID_PRODUCER_EPOCH: { status: 409, retriable: false, kafkaCode: 47 },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { status: 409, retriable: false, kafkaCode: 45 },
  UNKNOWN_PRODUCER_ID: { status: 409, retriable: false, kafkaCode: 59 },
  // Durable Streams: a closed stream, an append of another content type, a Stream-Seq
  // not after the last one; a stale Producer-Epoch is Kafka's PRODUCER_FENCED.
  STREAM_CLOSED: { status: 409, retriable: false, kafkaCode: -1 },
  CONTENT_TYPE_MISMATCH: { status: 409, retriable: false, kafkaCode: -1 },
  STREAM_SEQ_REGRESSION: { status: 409, retriable: false, kafkaCode: -1 },
  PRODUCER_FENCED: { status: 403, retriable: false, kafkaCode: 90 },
  MESSAGE_TOO_LARGE: { status: 413, retriable: false, kafkaCode: 10 },
  // A produce body of a media type other than JSON or the binary batch (docs/PROTOCOL.md).
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false, kafkaCode: -1 },
  RECORD_LIST_TOO_LARGE: { status: 413, retriable: false, kafkaCode: 18 },
  OFFSET_OUT_OF_RANGE: { status: 416, retriable: false, kafkaCode: 1 },
  THROTTLING_QUOTA_EXCEEDED: { status: 429, retriable: true, kafkaCode: 89 },
  NOT_LEADER_OR_FOLLOWER: { status: 503, retriable: true, kafkaCode: 6 },
  OFFSET_NOT_AVAILABLE: { status: 503, retriable: true, kafkaCode: 78 },
  FENCED_LEADER_EPOCH: { status: 503, retriable: true, kafkaCode: 74 },
  NOT_ENOUGH_REPLICAS: { status: 503, retriable: true, kafkaCode: 19 },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { status: 503, retriable: true, kafkaCode: 20 },
  REQUEST_TIMED_OUT: { status: 504, retriable: true, kafkaCode: 7 },
  INTERNAL_ERROR: { status: 500, retriable: true, kafkaCode: -1 },
} as const satisfies Record<string, { status: number; retriable: boolean; kafkaCode: number }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** Extra fields an error may carry, e.g. logStartOffset and highWatermark on 416. */
export type ErrorDetails = Record<string, string | number | boolean | null>;

/** The `error` object of every error response, and the error half of every DO result. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; retriable: boolean } & ErrorDetails;
}

export type Failure = { ok: false; error: ErrorData };
export type Result<T> = ({ ok: true } & T) | Failure;
/** Any DO result, as typed after crossing RPC. */
export type AnyResult = { ok: true } | Failure;

export function failure(code: ErrorCode, message: string, details?: ErrorDetails): Failure {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

export function isRetriable(code: ErrorCode): boolean {
  return ERROR_TABLE[code].retriable;
}

export function errorBody(error: ErrorData): ErrorBody {
  return { error: { code: error.code, message: error.message, retriable: isRetriable(error.code), ...error.details } };
}

/** Thrown inside the router only; its single onError turns it into the response. */
export class EdgelogError extends Error {
  readonly data: ErrorData;
  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = "EdgelogError";
    this.data = details ? { code, message, details } : { code, message };
  }
  get status(): number {
    return ERROR_TABLE[this.data.code].status;
  }
}

/** Throws a rule's verdict, if any, for the router's onError. */
export function refuse(error: ErrorData | null): void {
  if (error) throw new EdgelogError(error.code, error.message, error.details);
}

/** The success half of a DO result; the error half is thrown for the router's onError. */
export function unwrap<R extends AnyResult>(result: R): Extract<R, { ok: true }> {
  if (!result.ok) refuse(result.error);
  return result as Extract<R, { ok: true }>;
}
