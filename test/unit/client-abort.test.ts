// The SDK's call signal: sources and timeout abort a real fetch, even after garbage
// collections while it waits (Node 20's AbortSignal.any and AbortSignal.timeout lose
// the abort then), and even while a compressed body is read (Node 20's fetch may then
// leave the read pending for good: a revoked group consumer hung there).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { linkedSignal } from "../../src/client/abort.js";
import { Transport } from "../../src/client/transport.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let server: Server;
let url: string;

beforeAll(async () => {
  // Answers nothing, ever (only an abort ends a call to it), or on /gzip a gzipped body
  // in two parts a millisecond apart, for an abort to fall between.
  const gzipped = gzipSync(JSON.stringify(Array.from({ length: 3_000 }, (_, i) => ({ offset: i }))));
  server = createServer((request, response) => {
    if (request.url !== "/gzip") return;
    const half = gzipped.length >> 1;
    response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    response.write(gzipped.subarray(0, half));
    setTimeout(() => response.end(gzipped.subarray(half)), 1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Collects garbage every 20 ms while `call` is pending; how long it took, and how it ended. */
async function underGc(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const startMs = Date.now();
  const collecting = setInterval(gc, 20);
  try {
    await call();
    return { ms: Date.now() - startMs, error: null };
  } catch (error) {
    return { ms: Date.now() - startMs, error };
  } finally {
    clearInterval(collecting);
  }
}

/** A fetch whose signal nothing but the call itself holds, as in the transport. */
function hangingFetch(sources: AbortSignal[], timeoutMs?: number): () => Promise<void> {
  return async () => {
    const link = linkedSignal(sources, timeoutMs);
    try {
      await fetch(url, { signal: link.signal });
    } finally {
      link.release();
    }
  };
}

it("times a fetch out through garbage collections", async () => {
  const { ms, error } = await underGc(hangingFetch([], 300));
  expect((error as Error).name).toBe("TimeoutError");
  expect(ms).toBeLessThan(5_000);
});

it("aborts a fetch when a source aborts, with the source's reason", async () => {
  const source = new AbortController();
  setTimeout(() => source.abort(new Error("revoked")), 300);
  const { ms, error } = await underGc(hangingFetch([new AbortController().signal, source.signal], 60_000));
  expect((error as Error).message).toBe("revoked");
  expect(ms).toBeLessThan(5_000);
});

it("is aborted at once by a source aborted already, and released lets go of its sources", () => {
  const done = new AbortController();
  done.abort("stopped");
  const link = linkedSignal([new AbortController().signal, done.signal], 60_000);
  expect(link.signal.aborted).toBe(true);
  expect(link.signal.reason).toBe("stopped");

  const source = new AbortController();
  const released = linkedSignal([source.signal], 10);
  released.release();
  source.abort("late");
  expect(released.signal.aborted).toBe(false);
});

it("ends a call at once when its signal aborts while a compressed body is read", async () => {
  const transport = new Transport({ url: `${url}gzip`, fetch, requestTimeoutMs: 60_000 });
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const stop = new AbortController();
    const calling = transport.request("GET", "", undefined, { signal: stop.signal });
    setTimeout(() => stop.abort(), Math.random() * 4);
    const outcome = await Promise.race([
      calling.then(
        () => "answered",
        (error) => (error as { code: string }).code,
      ),
      new Promise((resolve) => setTimeout(() => resolve("pending after 2 s"), 2_000)),
    ]);
    outcomes.set(String(outcome), (outcomes.get(String(outcome)) ?? 0) + 1);
    if (outcome === "pending after 2 s") break;
  }
  expect(outcomes.get("pending after 2 s"), JSON.stringify([...outcomes])).toBeUndefined();
  expect(outcomes.get("REQUEST_TIMED_OUT")).toBeGreaterThan(0);
});

it("settling a promise after the abort still handles that promise's own rejection", async () => {
  const source = new AbortController();
  const link = linkedSignal([source.signal]);
  source.abort(new Error("stopped"));
  // A body read begun just as the abort came rejects too; unhandled, it fails the run.
  const read = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("read aborted")), 1));
  await expect(link.settle(read)).rejects.toThrow("stopped");
  await new Promise((resolve) => setTimeout(resolve, 10));
  link.release();
});
