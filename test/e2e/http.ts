// A small HTTP client for the e2e tests, over undici (global fetch is too slow to
// drive concurrency here).

import { randomUUID } from "node:crypto";
import { Agent, request } from "undici";
import { inject } from "vitest";

const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server answered
  body: any;
  /** The body as sent, for tests of exact bytes. */
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export function baseUrl(): string {
  return inject("baseUrl");
}

/** Sends `body` as JSON (a string is sent as is), returns the parsed JSON answer. */
export async function call(
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  url = baseUrl(),
): Promise<Reply> {
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const response = await request(`${url}${path}`, {
    method,
    dispatcher: agent,
    headers: payload === undefined ? headers : { "content-type": "application/json", ...headers },
    body: payload,
  });
  const text = await response.body.text();
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, body: parsed, text, headers: response.headers };
}

export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTopic(name: string, partitions = 1, config: Record<string, unknown> = {}, url = baseUrl()) {
  const reply = await call("POST", "/v1/topics", { name, partitions, ...config }, {}, url);
  if (reply.status !== 201) throw new Error(`create ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function produce(topic: string, records: unknown[], query = "", url = baseUrl()) {
  return call("POST", `/v1/topics/${topic}/records${query}`, { records }, {}, url);
}

export async function fetchRecords(topic: string, partition: number, query: string, url = baseUrl()) {
  return call("GET", `/v1/topics/${topic}/partitions/${partition}/records?${query}`, undefined, {}, url);
}

/** Every committed record of a partition from offset 0, paging with maxRecords. */
export async function fetchAll<R = unknown>(
  topic: string,
  partition: number,
  query = "",
  url = baseUrl(),
): Promise<R[]> {
  const records: R[] = [];
  let offset = 0;
  for (let page = 0; page < 100; page++) {
    const reply = await fetchRecords(topic, partition, `offset=${offset}&maxRecords=1000${query}`, url);
    if (reply.status !== 200)
      throw new Error(`fetch ${topic}/${partition}: ${reply.status} ${JSON.stringify(reply.body)}`);
    records.push(...reply.body.records);
    if (reply.body.records.length === 0 || reply.body.nextOffset >= reply.body.highWatermark) return records;
    offset = reply.body.nextOffset;
  }
  throw new Error(`partition ${partition} of ${topic} did not end within 100 pages`);
}
