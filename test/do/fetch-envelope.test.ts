// A partition fetch's answer is written around the records in the buffer the replica
// rendered them into, after RPC as before it: RPC carries a view's whole buffer, with
// the room RecordsJson leaves around the records.

import { describe, expect, it } from "vitest";
import { partitionFetchBody } from "../../src/protocol/fetched-records.js";
import { fetchFrom, jsonRecord, leaderReplica, produceRequest } from "./replica-helpers.js";

describe("the partition fetch's answer", () => {
  it("wraps the records a replica answered without copying them", async () => {
    const { stub } = await leaderReplica();
    const records = Array.from({ length: 200 }, (_, i) => jsonRecord({ i, pad: "x".repeat(100) }, { key: `k${i}` }));
    await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records }));
    const fetched = await stub.fetchRecords(fetchFrom(0));
    if (!fetched.ok) throw new Error(fetched.error.message);
    const answer = partitionFetchBody(fetched);
    expect(answer.buffer).toBe(fetched.records.buffer);
    const parsed = JSON.parse(new TextDecoder().decode(answer));
    expect(parsed.records.map((r: { value: { i: number } }) => r.value.i)).toEqual(records.map((_, i) => i));
    expect(parsed).toMatchObject({ nextOffset: 200, highWatermark: 200, logStartOffset: 0 });
  });
});
