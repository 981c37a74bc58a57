// Errors as data: every failure the SDK reports carries a code and `retriable`, and
// the SDK retries on `retriable` alone, as kafkajs does with KafkaJSProtocolError.

import { ERROR_TABLE, type ErrorCode, type ErrorDetails } from "../protocol/errors.js";

/** Codes the SDK itself produces, beside the server's (Kafka's names where Kafka has one). */
export type ClientErrorCode =
  /** The request never got an answer: connection refused or reset, or the response was lost. */
  | "NETWORK_EXCEPTION"
  /** No answer within requestTimeoutMs; the request may or may not have taken effect. */
  | "REQUEST_TIMED_OUT"
  /** The answer was not the JSON the API promises (a proxy's error page, a wrong URL). */
  | "INVALID_RESPONSE"
  /** More records wait in the producer than maxBufferedRecords (Kafka's BufferExhaustedException). */
  | "BUFFER_EXHAUSTED"
  /** The client was used after disconnect(), or before connect() where it needs one. */
  | "CLIENT_CLOSED"
  /** A call the client's state does not allow now (Kafka's IllegalStateException):
   * subscribe() after run(), run() twice, seek() on a partition not held. */
  | "ILLEGAL_STATE";

const CLIENT_RETRIABLE: Record<ClientErrorCode, boolean> = {
  NETWORK_EXCEPTION: true,
  REQUEST_TIMED_OUT: true,
  INVALID_RESPONSE: false,
  BUFFER_EXHAUSTED: true,
  CLIENT_CLOSED: false,
  ILLEGAL_STATE: false,
};

export class EdgelogClientError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly retriable: boolean;
  /** The HTTP status of a server answer; undefined when there was none. */
  readonly status: number | undefined;
  /** Extra fields of the server's error, e.g. logStartOffset and highWatermark on 416. */
  readonly details: ErrorDetails;

  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    options: { retriable: boolean; status?: number; details?: ErrorDetails; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EdgelogClientError";
    this.code = code;
    this.retriable = options.retriable;
    this.status = options.status;
    this.details = options.details ?? {};
  }
}

/** The server answered with an error body: its code, message, retriable flag and details. */
export class EdgelogProtocolError extends EdgelogClientError {
  constructor(status: number, code: ErrorCode, message: string, retriable: boolean, details: ErrorDetails) {
    super(code, message, { retriable, status, details });
    this.name = "EdgelogProtocolError";
  }
}

export function clientError(code: ClientErrorCode, message: string, cause?: unknown): EdgelogClientError {
  return new EdgelogClientError(code, message, { retriable: CLIENT_RETRIABLE[code], cause });
}

/** Reads a server error body. A code the SDK does not know (a newer server) keeps the
 * server's own `retriable`; an unreadable body is judged by its status (5xx: retriable). */
export function protocolError(status: number, body: unknown): EdgelogClientError {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string") {
    return new EdgelogClientError("INVALID_RESPONSE", `HTTP ${status} without an Edgelog error body`, {
      retriable: status >= 500 || status === 429,
      status,
    });
  }
  const { code, message, retriable, ...details } = error;
  const known = ERROR_TABLE[code as ErrorCode]?.retriable;
  return new EdgelogProtocolError(
    status,
    code as ErrorCode,
    message,
    typeof retriable === "boolean" ? retriable : (known ?? status >= 500),
    details as ErrorDetails,
  );
}

export function isRetriableError(error: unknown): boolean {
  return error instanceof EdgelogClientError && error.retriable;
}

export function hasCode(error: unknown, ...codes: (ErrorCode | ClientErrorCode)[]): boolean {
  return error instanceof EdgelogClientError && codes.includes(error.code);
}
