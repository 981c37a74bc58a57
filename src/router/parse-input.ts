// The edge of the system: request bodies, queries and path parameters become typed
// values here, or the request is refused with INVALID_REQUEST (or the code of the
// field refused, as a topic's config has) and nothing changes.

import type { z } from "zod";
import { EdgelogError, type ErrorCode, refuse } from "../protocol/errors.js";
import { checkTopicName } from "../protocol/topic.js";
import type { AppContext } from "./context.js";

/** `input` as the schema's type, or refused: INVALID_REQUEST, or `codeOf` the top-level
 * field a refused value is at (undefined: the input as a whole). An unknown field is
 * always INVALID_REQUEST. */
export function parseWith<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
  what: string,
  codeOf: (field: string | undefined) => ErrorCode = () => "INVALID_REQUEST",
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // An unknown field says more about what went wrong than whatever else it broke.
  const issues = parsed.error.issues;
  const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!;
  const path = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  if (issue.code === "unrecognized_keys") {
    throw new EdgelogError("INVALID_REQUEST", `invalid ${what}${path}: unknown field(s) ${issue.keys.join(", ")}`);
  }
  const field = issue.path[0];
  throw new EdgelogError(
    codeOf(field === undefined ? undefined : String(field)),
    `invalid ${what}${path}: ${issue.message}`,
  );
}

/** The query string as single values; a repeated parameter is refused. */
export function queryOf(c: AppContext): Record<string, string> {
  const all = c.req.queries();
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(all)) {
    if (values.length !== 1) throw new EdgelogError("INVALID_REQUEST", `query parameter ${name} is repeated`);
    single[name] = values[0]!;
  }
  return single;
}

/** The {topic} path parameter: a name Kafka would accept, or INVALID_TOPIC_EXCEPTION. */
export function topicParam(c: AppContext): string {
  const name = c.req.param("topic") ?? "";
  refuse(checkTopicName(name, c.get("limits")));
  return name;
}

export function partitionParam(c: AppContext): number {
  const raw = c.req.param("partition") ?? "";
  if (!/^\d{1,9}$/.test(raw)) throw new EdgelogError("INVALID_REQUEST", "partition must be a non-negative integer");
  return Number(raw);
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The JSON body, read up to maxBytes: over it the request is refused with
 * RECORD_LIST_TOO_LARGE before it is all read. `parse` reads the text as JSON.parse
 * does, throwing a SyntaxError on text that is not JSON. */
export async function jsonBody<T = unknown>(
  c: AppContext,
  maxBytes: number,
  parse: (text: string) => T = JSON.parse,
): Promise<T> {
  const type = c.req.header("content-type");
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new EdgelogError("INVALID_REQUEST", "content-type must be application/json");
  }
  const bytes = await boundedBody(c, maxBytes);
  if (!bytes) throw new EdgelogError("INVALID_REQUEST", "a JSON body is required");
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new EdgelogError("INVALID_REQUEST", "the body is not valid UTF-8");
  }
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new EdgelogError("INVALID_REQUEST", "the body is not valid JSON");
    // A reviver walks nested values recursively: past the stack's depth it gives up.
    if (error instanceof RangeError) throw new EdgelogError("INVALID_REQUEST", "the body is nested too deeply");
    throw error;
  }
}

/** The body's bytes (null when there is none), read up to maxBytes: over it the
 * request is refused with RECORD_LIST_TOO_LARGE before it is all read. */
export async function boundedBody(c: AppContext, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = c.req.raw.body;
  if (!body) return null;
  // With a declared length (already checked) the body is read in one piece; a chunked
  // body is read chunk by chunk so that an oversized one is cut off early.
  const bytes = c.req.header("content-length")
    ? new Uint8Array(await c.req.raw.arrayBuffer())
    : await readBounded(body, maxBytes);
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  c.set("bodyBytes", bytes.byteLength);
  return bytes;
}

async function readBounded(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): EdgelogError {
  return new EdgelogError("RECORD_LIST_TOO_LARGE", `the request body is over ${maxBytes} bytes`);
}
