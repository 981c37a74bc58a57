// The four read paths of one partition, as raw answer text: the partition fetch (GET),
// POST /v1/fetch, the group fetch and the live tail, for tests that records come back
// byte for byte the same on each.

import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { GroupMember } from "./group-client.js";
import { baseUrl, call } from "./http.js";
import { readEvents } from "./sse.js";

export interface ReadPaths {
  get: string;
  multiFetch: string;
  groupFetch: string;
  /** The data line of each live-tail record event. */
  liveTail: string[];
}

/** Reads the first `count` records of a single-partition topic on every path. */
export async function readEveryPath(topic: string, count: number): Promise<ReadPaths> {
  const get = await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=0`);
  expect(get.status, get.text).toBe(200);
  const multi = await call("POST", "/v1/fetch", { partitions: [{ topic, partition: 0, offset: 0 }] });
  expect(multi.status, multi.text).toBe(200);
  const member = await GroupMember.join(`g-${randomUUID().slice(0, 8)}`, [topic]);
  let groupFetch = "";
  for (let attempt = 0; attempt < 20 && !groupFetch; attempt++) {
    const reply = await member.fetch({ autoOffsetReset: "earliest", maxWaitMs: 500 });
    expect(reply.status, reply.text).toBe(200);
    if (reply.body.records.length >= count) groupFetch = reply.text;
  }
  await member.leave();
  const url = `${baseUrl()}/v1/topics/${topic}/partitions/0/records?offset=0`;
  const events = await readEvents(url, {}, count, async () => undefined);
  return { get: get.text, multiFetch: multi.text, groupFetch, liveTail: events.map((e) => e.data!) };
}

/** A record's text as every path renders it, from its value's JSON text as stored. */
export function recordText(offset: number, timestamp: number, key: string, value: string): string {
  return `{"offset":${offset},"timestamp":${timestamp},"key":${JSON.stringify(key)},"value":${value},"headers":{}}`;
}

/** Checks that each path's answer holds every record's text exactly, in order. */
export function expectEveryPath(paths: ReadPaths, topic: string, records: readonly string[]): void {
  const all = records.join(",");
  expectPrefix(paths.get, `{"records":[${all}],"nextOffset":`);
  expectPrefix(paths.multiFetch, `{"partitions":[{"topic":"${topic}","partition":0,"records":[${all}],`);
  const tagged = records.map((r) => `{"topic":"${topic}","partition":0,${r.slice(1)}`);
  expectPrefix(paths.groupFetch, `{"records":[${tagged.join(",")}],`);
  expect(paths.liveTail).toEqual(records);
}

function expectPrefix(text: string, prefix: string): void {
  expect(text.slice(0, prefix.length)).toBe(prefix);
}
