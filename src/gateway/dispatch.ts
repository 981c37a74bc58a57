// One request frame in, its response frame out: the request header (v1, or v2 for a
// flexible version), the API's handler, the response header (v0, or v1 for a flexible
// version; ApiVersions always answers with v0 so an old client can read the error).

import type { RequestContext } from "./apis/api.js";
import { API_VERSIONS_KEY, apiVersionsBody } from "./apis/api-versions.js";
import { API_BY_KEY } from "./apis/registry.js";
import { SASL_AUTHENTICATE_KEY, SASL_HANDSHAKE_KEY } from "./apis/sasl.js";
import { MalformedFrame, Reader } from "./codec/reader.js";
import { Writer } from "./codec/writer.js";
import { KAFKA_ERROR } from "./kafka-errors.js";

/** What a connection may send before its SASL login, when one is required. */
const BEFORE_LOGIN = new Set([API_VERSIONS_KEY, SASL_HANDSHAKE_KEY, SASL_AUTHENTICATE_KEY]);

/** The response frame as chunks to send in order, or null when the request expects
 * none. Throws MalformedFrame when the frame does not parse, or comes before a required
 * SASL login. */
export async function dispatch(
  frame: Buffer,
  base: Omit<RequestContext, "version" | "flexible">,
): Promise<Buffer[] | null> {
  const reader = new Reader(frame);
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const api = API_BY_KEY.get(apiKey);
  const known = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
  if (!known) return unsupported(apiKey, correlationId);
  if (base.saslRequired && base.session.authenticated === null && !BEFORE_LOGIN.has(apiKey)) {
    throw new MalformedFrame(`${api.name} before SASL authentication`);
  }
  const flexible = apiVersion >= api.flexibleFrom;
  reader.nullableString(false); // client_id: nothing is per client
  if (flexible) reader.skipTaggedFields();
  const edgelog = base.session.authenticated ?? base.edgelog;
  const body = await api.handle(reader, { ...base, edgelog, version: apiVersion, flexible });
  if (body === null) return null;
  return frameOf(correlationId, flexible && apiKey !== API_VERSIONS_KEY, body);
}

/** What a broker answers to a version it does not serve; for another unknown API the
 * bare error code, which every response of a known shape starts with or a client
 * reading only the correlation id can still match, instead of a dropped connection. */
function unsupported(apiKey: number, correlationId: number): Buffer[] {
  const body =
    apiKey === API_VERSIONS_KEY
      ? apiVersionsBody([...API_BY_KEY.values()], 0, KAFKA_ERROR.UNSUPPORTED_VERSION)
      : new Writer().int16(KAFKA_ERROR.UNSUPPORTED_VERSION);
  return frameOf(correlationId, false, body);
}

function frameOf(correlationId: number, flexible: boolean, body: Writer): Buffer[] {
  const header = new Writer().int32(0).int32(correlationId).endStruct(flexible);
  const head = Buffer.from(header.bytesView());
  head.writeInt32BE(head.length - 4 + body.size, 0);
  return [head, ...body.chunks()];
}
