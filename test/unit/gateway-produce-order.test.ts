import { describe, expect, it } from "vitest";
import { ProduceOrder } from "../../src/gateway/produce-order.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("a connection's produce turns", () => {
  it("follow arrival order per partition, let other partitions run, and are forgotten once ended", async () => {
    const order = new ProduceOrder();
    const started: string[] = [];
    const first = order.reserve("t/0");
    const second = order.reserve("t/0");
    const other = order.reserve("t/1");
    const third = order.reserve("t/0");
    for (const [name, turn] of [
      ["first", first],
      ["second", second],
      ["other", other],
      ["third", third],
    ] as const) {
      void turn.ready.then(() => started.push(name));
    }
    await tick();
    expect(started).toEqual(["first", "other"]);
    // A later turn that ends early (a partition refused before its append) does not
    // let the one after it overtake the turn still running.
    second.done();
    await tick();
    expect(started).toEqual(["first", "other"]);
    first.done();
    await tick();
    expect(started).toEqual(["first", "other", "second", "third"]);
    other.done();
    third.done();
    await tick();
    expect(order.size).toBe(0);
  });
});
