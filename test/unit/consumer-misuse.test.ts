// Misuse of the SDK's consumer is refused before any request: each throws an
// EdgelogClientError with code ILLEGAL_STATE. The transport's fetch fails the test if
// anything reaches it.

import { describe, expect, it } from "vitest";
import { Consumer } from "../../src/client/consumer.js";
import { EdgelogClientError } from "../../src/client/errors.js";
import { DEFAULT_RETRY } from "../../src/client/retry.js";
import { Transport } from "../../src/client/transport.js";

function consumer(): Consumer {
  const transport = new Transport({
    url: "http://127.0.0.1:9",
    fetch: () => Promise.reject(new Error("no request may be made")),
    requestTimeoutMs: 1_000,
  });
  return new Consumer(transport, DEFAULT_RETRY, { groupId: "g" });
}

async function refusal(call: () => unknown): Promise<EdgelogClientError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof EdgelogClientError) return error;
    throw error;
  }
  throw new Error("the call was not refused");
}

describe("Consumer misuse", () => {
  it("refuses run() with neither or both handlers", async () => {
    const c = consumer();
    const neither = await refusal(() => c.run({}));
    expect(neither).toMatchObject({ code: "ILLEGAL_STATE", retriable: false });
    expect(neither.message).toBe("run() needs eachMessage or eachBatch");
    const handler = async () => {};
    expect(await refusal(() => c.run({ eachMessage: handler, eachBatch: handler }))).toMatchObject({
      code: "ILLEGAL_STATE",
    });
  });

  it("refuses run() and iterating before any subscribe", async () => {
    const c = consumer();
    const error = await refusal(() => c.run({ eachMessage: async () => {} }));
    expect(error).toMatchObject({ code: "ILLEGAL_STATE", message: "subscribe to at least one topic first" });
    expect(await refusal(() => c[Symbol.asyncIterator]().next())).toMatchObject({ code: "ILLEGAL_STATE" });
  });

  it("refuses seek() on a partition it does not hold", async () => {
    const error = await refusal(() => consumer().seek({ topic: "t", partition: 3, offset: 0 }));
    expect(error).toMatchObject({
      code: "ILLEGAL_STATE",
      message: "partition 3 of t is not assigned to this consumer",
    });
  });
});
