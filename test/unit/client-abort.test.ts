// The SDK's call signal: sources and timeout abort a real fetch, even after garbage
// collections while it waits (Node 20's AbortSignal.any and AbortSignal.timeout lose
// the abort then, and a consumer's fetch hung for good).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { linkedSignal } from "../../src/client/abort.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let server: Server;
let url: string;

beforeAll(async () => {
  // Answers nothing, ever: only an abort ends a call to it.
  server = createServer(() => {});
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
