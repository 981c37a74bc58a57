// SaslHandshake (key 17) and SaslAuthenticate (key 36, v0-v2) with PLAIN only: the
// password is an Edgelog token, and every later request of the connection calls
// Edgelog with it, so its scopes apply as on HTTP. After a v0 handshake a client sends
// raw SASL bytes outside Kafka framing: those are not served (the frame is refused).

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { EdgelogApi } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import type { KafkaApi, RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";

export const SASL_HANDSHAKE_KEY = 17;
export const SASL_AUTHENTICATE_KEY = 36;
const PLAIN = "PLAIN";
/** Kafka's "no expiry" for session_lifetime_ms: a revoked token fails on its next call. */
const NO_LIFETIME_MS = 0;

export const saslHandshakeApi: KafkaApi = {
  key: SASL_HANDSHAKE_KEY,
  name: "SaslHandshake",
  // librdkafka takes SASL as supported only if v0 is listed; it then logs in with v1.
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 2,
  async handle(request: Reader): Promise<Writer> {
    const mechanism = request.string(false);
    const errorCode = mechanism === PLAIN ? KAFKA_ERROR.NONE : KAFKA_ERROR.UNSUPPORTED_SASL_MECHANISM;
    return new Writer().int16(errorCode).array([PLAIN], false, (w, m) => w.string(m, false));
  },
};

export const saslAuthenticateApi: KafkaApi = {
  key: SASL_AUTHENTICATE_KEY,
  name: "SaslAuthenticate",
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { flexible } = context;
    const parts = request.bytes(flexible).toString("utf8").split("\u0000");
    request.endStruct(flexible);
    const token = parts.length === 3 ? parts[2] : undefined;
    const outcome = token
      ? await login(token, context)
      : { errorCode: KAFKA_ERROR.SASL_AUTHENTICATION_FAILED, message: "not SASL PLAIN" };
    const writer = new Writer()
      .int16(outcome.errorCode)
      .nullableString(outcome.message, flexible)
      .nullableBytes(Buffer.alloc(0), flexible);
    if (context.version >= 1) writer.int64(NO_LIFETIME_MS);
    return writer.endStruct(flexible);
  },
};

async function login(token: string, context: RequestContext): Promise<{ errorCode: number; message: string | null }> {
  const edgelog = new EdgelogApi(context.url, token, context.limits.requestTimeoutMs);
  try {
    if (!(await edgelog.acceptsToken())) {
      return { errorCode: KAFKA_ERROR.SASL_AUTHENTICATION_FAILED, message: "Edgelog refused the token" };
    }
  } catch (error) {
    return { errorCode: errorCodeOf(error), message: errorMessageOf(error) };
  }
  context.session.authenticated = edgelog;
  return { errorCode: KAFKA_ERROR.NONE, message: null };
}
