// kafkajs' error classes, so code that catches them (`instanceof KafkaJSError`,
// `error.retriable`, `error.type`) keeps working. Edgelog's errors become the kafkajs
// class kafkajs would throw for the same failure.

import { ERROR_TABLE, type ErrorCode } from "../../protocol/errors.js";
import { EdgelogClientError, EdgelogProtocolError } from "../errors.js";

export class KafkaJSError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KafkaJSError";
    this.retriable = options.retriable ?? true;
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retriable: false });
    this.name = "KafkaJSNonRetriableError";
  }
}

/** The server answered with an error: `type` is Kafka's error name, `code` its number. */
export class KafkaJSProtocolError extends KafkaJSError {
  readonly type: string;
  readonly code: number;
  constructor(type: string, message: string, retriable: boolean, cause?: unknown) {
    super(message, { retriable, cause });
    this.name = "KafkaJSProtocolError";
    this.type = type;
    this.code = ERROR_TABLE[type as ErrorCode]?.kafkaCode ?? -1;
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  constructor(message: string, where: { topic?: string; partition?: number }, cause?: unknown) {
    super("OFFSET_OUT_OF_RANGE", message, false, cause);
    this.name = "KafkaJSOffsetOutOfRange";
    this.topic = where.topic;
    this.partition = where.partition;
  }
}

export class KafkaJSConnectionError extends KafkaJSError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
    this.name = "KafkaJSConnectionError";
  }
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
    this.name = "KafkaJSRequestTimeoutError";
  }
}

/** What kafkajs can do and Edgelog cannot (transactions, ACLs): refused, never ignored. */
export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {
  constructor(message: string) {
    super(message);
    this.name = "KafkaJSNotImplemented";
  }
}

export class KafkaJSDeleteGroupsError extends KafkaJSError {
  readonly groups: { groupId: string; errorCode: number; error: KafkaJSError }[];
  constructor(message: string, groups: { groupId: string; errorCode: number; error: KafkaJSError }[]) {
    super(message, { retriable: false });
    this.name = "KafkaJSDeleteGroupsError";
    this.groups = groups;
  }
}

/** The kafkajs error for an Edgelog failure; other errors (a TypeError from bad
 * input, an error thrown by the user's handler) pass through unchanged. */
export function toKafkaJSError(error: unknown): unknown {
  if (error instanceof KafkaJSError || !(error instanceof EdgelogClientError)) return error;
  if (error instanceof EdgelogProtocolError) {
    if (error.code === "OFFSET_OUT_OF_RANGE") return new KafkaJSOffsetOutOfRange(error.message, {}, error);
    return new KafkaJSProtocolError(error.code, error.message, error.retriable, error);
  }
  if (error.code === "NETWORK_EXCEPTION") return new KafkaJSConnectionError(error.message, error);
  if (error.code === "REQUEST_TIMED_OUT") return new KafkaJSRequestTimeoutError(error.message, error);
  return new KafkaJSError(error.message, { retriable: error.retriable, cause: error });
}

/** Runs an Edgelog call and rethrows its failure as kafkajs would. */
export async function kafkajsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaJSError(error);
  }
}

/** The rejection for a kafkajs method Edgelog has no counterpart for. */
export function refused(what: string, why: string): Promise<never> {
  return Promise.reject(new KafkaJSNotImplemented(`${what} is not supported by Edgelog: ${why}`));
}
