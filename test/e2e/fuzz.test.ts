// Input hardening: 1,200 seeded, randomly malformed requests (bodies, headers, paths,
// huge and deeply nested JSON, invalid UTF-8, keys and headers with lone surrogates,
// wrong content types, forged producerIds and epochs) against a real wrangler dev.
// Every answer is a 4xx with a code from the error table, never a 5xx, and the logs of
// the topics used are unchanged. Then seeded random records (values of every JSON
// shape, numbers JSON.parse would round, text with and without lone surrogates): each
// request is stored and read back byte for byte, or refused whole with INVALID_RECORD.

import { Agent, request } from "undici";
import { expect, it } from "vitest";
import { ERROR_TABLE } from "../../src/protocol/errors.js";
import { seededRandom } from "../random.js";
import { wellFormed } from "../well-formed.js";
import { baseUrl, call, createTopic, uniqueTopic } from "./http.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const REQUESTS = 1_200;
const agent = new Agent({ connections: 16 });

interface Fuzzed {
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

it(`answers ${REQUESTS} malformed requests with 4xx codes and changes nothing (seed ${SEED})`, {
  timeout: 120_000,
}, async () => {
  const { next } = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const topic = uniqueTopic("fuzz");
  await createTopic(topic, 2);
  await call("POST", `/v1/topics/${topic}/records`, { records: [{ key: "k", value: 1 }, { value: 2 }] });
  const before = (await call("GET", `/v1/topics/${topic}`)).body;
  // A real producer at epoch 0: forged epochs of it, and forged ids, must change nothing.
  const issued: number = (await call("POST", "/v1/producers", {})).body.producerId;
  const forgedProducer = () => ({
    producerId: pick([issued, 1 + Math.floor(next() * 2 ** 40)]),
    producerEpoch: pick([1, 7, 2 ** 31]),
  });

  const json = { "content-type": "application/json" };
  const junk = () =>
    Array.from({ length: 1 + Math.floor(next() * 40) }, () => String.fromCharCode(32 + Math.floor(next() * 94))).join(
      "",
    );
  const invalidUtf8 = () => new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);
  const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  const badRecord = () =>
    pick<unknown>([
      { value: 1, extra: true },
      { key: 5, value: 1 },
      { value: 1, partition: -1 },
      { value: 1, partition: 1.5 },
      { value: 1, timestamp: "now" },
      { value: 1, headers: [1, 2] },
      { value: 1, headers: { h: 5 } },
      { key: "k" },
      { key: "\ud800k", value: 1 },
      { key: "k", value: 1, headers: { "\udc00": "v" } },
      { key: "k", value: 1, headers: { h: "\ude00\ud83d" } },
      "not an object",
      null,
    ]);
  const makers: (() => Fuzzed)[] = [
    () => ({ method: "POST", path: `/v1/topics/${topic}/records`, headers: json, body: junk() }),
    () => ({ method: "POST", path: `/v1/topics/${topic}/records`, headers: json, body: invalidUtf8() }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: json,
      body: deep(5_000 + Math.floor(next() * 50_000)),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: json,
      body: JSON.stringify({ records: [badRecord()] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: json,
      body: JSON.stringify({ records: [{ value: 1 }], [junk()]: 1 }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: {
        "content-type": pick([
          "text/plain",
          "application/xml",
          "multipart/form-data",
          "application/x-www-form-urlencoded",
        ]),
      },
      body: JSON.stringify({ records: [{ value: 1 }] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records?acks=${encodeURIComponent(junk())}`,
      headers: json,
      body: JSON.stringify({ records: [{ value: 1 }] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/partitions/${pick(["-1", "x", "1e3", "99999", "0.5"])}/records`,
      headers: json,
      body: JSON.stringify({ records: [{ value: 1 }] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: json,
      body: JSON.stringify({ records: [{ value: "x".repeat(1_100_000) }] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/records`,
      headers: json,
      body: JSON.stringify({ encoding: "base64", records: [{ value: `${junk()}!` }] }),
    }),
    () => ({
      method: "GET",
      path: `/v1/topics/${topic}/partitions/0/records?offset=${encodeURIComponent(pick(["-1", "abc", "", "1.5", "99999999", junk()]))}`,
      headers: {},
    }),
    () => ({
      method: "GET",
      path: `/v1/topics/${topic}/partitions/0/records?offset=0&${encodeURIComponent(junk())}=1`,
      headers: {},
    }),
    () => ({
      method: "GET",
      path: `/v1/topics/${topic}/partitions/0/records?offset=0&maxRecords=${pick(["0", "-5", "10001", "x"])}`,
      headers: {},
    }),
    () => ({
      method: "POST",
      path: "/v1/topics",
      headers: json,
      body: JSON.stringify({ name: pick(["", ".", "..", "a b", "x".repeat(300), "ü"]), partitions: 1 }),
    }),
    () => ({
      method: "POST",
      path: "/v1/topics",
      headers: json,
      body: JSON.stringify({ name: uniqueTopic("fz"), partitions: pick([0, -1, 2000, 1.5, "3"]) }),
    }),
    () => ({ method: "PATCH", path: `/v1/topics/${topic}`, headers: json, body: JSON.stringify({ [junk()]: 1 }) }),
    () => ({
      method: "POST",
      path: "/v1/fetch",
      headers: json,
      body: JSON.stringify({ partitions: [{ topic, partition: "0", offset: 0 }] }),
    }),
    () => ({
      method: "POST",
      path: `/v1/groups/${pick(["g", "bad group", "x".repeat(300)])}/heartbeat`,
      headers: json,
      body: JSON.stringify({ memberEpoch: pick([-2, "0", 1.5]) }),
    }),
    () => ({
      method: pick(["PUT", "DELETE", "PATCH"] as const),
      path: `/v1/${encodeURIComponent(junk())}`,
      headers: json,
      body: junk(),
    }),
    () => ({
      method: "POST",
      path: "/v1/producers",
      headers: json,
      body: JSON.stringify({ producerId: pick([-1, 0, "x", 1.5]) }),
    }),
    () => ({
      method: "POST",
      path: `/v1/topics/${topic}/partitions/${pick(["0", "1"])}/records?acks=${pick(["all", "1", "0"])}`,
      headers: json,
      body: JSON.stringify({ ...forgedProducer(), baseSequence: pick([0, 1]), records: [{ value: 1 }] }),
    }),
    () => ({ method: "POST", path: "/v1/producers", headers: json, body: JSON.stringify(forgedProducer()) }),
  ];

  const failures: string[] = [];
  const codes = new Map<string, number>();
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      const f = pick(makers)();
      const response = await request(`${baseUrl()}${f.path}`, {
        method: f.method,
        headers: f.headers,
        body: f.body,
        dispatcher: agent,
      });
      const text = await response.body.text();
      let code = "";
      try {
        code = JSON.parse(text).error.code;
      } catch {
        code = "(no error body)";
      }
      codes.set(`${response.statusCode} ${code}`, (codes.get(`${response.statusCode} ${code}`) ?? 0) + 1);
      const inTable = code in ERROR_TABLE;
      if (response.statusCode < 400 || response.statusCode >= 500 || !inTable) {
        failures.push(`${f.method} ${f.path.slice(0, 120)} → ${response.statusCode} ${text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  console.log(`fuzz seed ${SEED}: ${sent} requests; ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
  expect(failures, `seed ${SEED}`).toEqual([]);
  const after = (await call("GET", `/v1/topics/${topic}`)).body;
  expect(after.partitions).toEqual(before.partitions);
  expect(after.config).toEqual(before.config);
});

const ROUND_TRIPS = 120;
const PIECES = ["a", "é", "€", "😀", '"', "\\", "\n", "\u0001", "\u2028", "{", "],", "0"];
/** Halves of a pair: two in a row may make the pair again. */
const HALVES = ["\ud83d", "\ude00"];
const NUMBERS = [
  "0",
  "-0",
  "-0.0",
  "1.50",
  "1e400",
  "-1E-400",
  "12345678901234567890",
  "9007199254740993",
  "0.0000001",
  "42",
  "-3.25",
  "1E2",
  "5e-324",
];

it(`stores and reads back ${ROUND_TRIPS} random requests exactly, or refuses them whole (seed ${SEED})`, {
  timeout: 120_000,
}, async () => {
  const random = seededRandom(SEED + 1);
  const piece = () => (random.int(12) === 0 ? random.pick(HALVES) : random.pick(PIECES));
  const text = () => Array.from({ length: random.int(5) }, piece).join("");
  // Values as JSON.stringify writes them, numbers as written: the text the server stores.
  const value = (depth: number): string => {
    const kind = depth > 2 ? random.int(3) : random.int(5);
    if (kind === 0) return random.pick(NUMBERS);
    if (kind === 1) return JSON.stringify(text());
    if (kind === 2) return random.pick(["null", "true", "false"]);
    const items = Array.from({ length: random.int(4) }, () => value(depth + 1));
    if (kind === 3) return `[${items.join(",")}]`;
    return `{${items.map((item, i) => `${JSON.stringify(`m${i}${text()}`)}:${item}`).join(",")}}`;
  };
  const topic = uniqueTopic("exact-fuzz");
  await createTopic(topic, 1);
  const timestamp = Date.now();
  const stored: string[] = [];
  let refused = 0;
  for (let request = 0; request < ROUND_TRIPS; request++) {
    const records = Array.from({ length: 1 + random.int(4) }, () => {
      const key = random.int(4) === 0 ? "k" : text();
      const headers = Object.fromEntries(Array.from({ length: random.int(2) }, () => [`h${text()}`, text()]));
      return {
        key,
        headers,
        value: value(0),
        ok: wellFormed(key) && Object.entries(headers).every(([n, v]) => wellFormed(n + v)),
      };
    });
    const body = `{"records":[${records
      .map(
        (r) =>
          `{"key":${JSON.stringify(r.key)},"value":${r.value},"headers":${JSON.stringify(r.headers)},"timestamp":${timestamp}}`,
      )
      .join(",")}]}`;
    const reply = await call("POST", `/v1/topics/${topic}/partitions/0/records`, body);
    if (records.every((r) => r.ok)) {
      expect(reply.status, `${body} → ${reply.text}`).toBe(200);
      for (const r of records) {
        const headers = JSON.stringify(r.headers);
        stored.push(
          `{"offset":${stored.length},"timestamp":${timestamp},"key":${JSON.stringify(r.key)},"value":${r.value},"headers":${headers}}`,
        );
      }
    } else {
      expect(reply.status, `${body} → ${reply.text}`).toBe(400);
      expect(reply.body.error.code).toBe("INVALID_RECORD");
      refused++;
    }
  }
  const fetched = await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=0&maxRecords=10000`);
  const prefix = `{"records":[${stored.join(",")}],"nextOffset":${stored.length},`;
  console.log(
    `exact round trips, seed ${SEED}: ${ROUND_TRIPS} requests, ${stored.length} records stored, ${refused} requests refused`,
  );
  expect(fetched.text.slice(0, prefix.length)).toBe(prefix);
  expect(refused).toBeGreaterThan(0);
  expect(stored.length).toBeGreaterThan(0);
});
