// Concurrent producers into one partition: every record lands exactly once, offsets
// stay dense, and each producer's records keep the order it sent them in.

import { expect, it } from "vitest";
import { createTopic, fetchAll, produce, uniqueTopic } from "./http.js";

const PRODUCERS = 8;
const RECORDS_PER_PRODUCER = 500;
const TOTAL = PRODUCERS * RECORDS_PER_PRODUCER;

interface Value {
  producer: number;
  seq: number;
}

it(`keeps ${TOTAL} records from ${PRODUCERS} concurrent producers dense, complete and in per-producer order`, async () => {
  const topic = uniqueTopic("concurrent");
  await createTopic(topic, 1);

  // Each producer sends its records one request at a time, in sequence.
  const acknowledged = new Map<number, Value>();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, producer) => {
      let lastOffset = -1;
      for (let seq = 0; seq < RECORDS_PER_PRODUCER; seq++) {
        const reply = await produce(topic, [{ key: `p${producer}`, value: { producer, seq }, partition: 0 }]);
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        const [result] = reply.body.results as [{ partition: number; offset: number }];
        expect(result.partition).toBe(0);
        expect(result.offset).toBeGreaterThan(lastOffset);
        expect(acknowledged.has(result.offset), `offset ${result.offset} acknowledged twice`).toBe(false);
        acknowledged.set(result.offset, { producer, seq });
        lastOffset = result.offset;
      }
    }),
  );
  expect(acknowledged.size).toBe(TOTAL);

  const records = await fetchAll<{ offset: number; value: Value }>(topic, 0);

  expect(records).toHaveLength(TOTAL);
  expect(records.map((r) => r.offset)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
  const seen = new Set<string>();
  const nextSeq = new Array<number>(PRODUCERS).fill(0);
  for (const { offset, value } of records) {
    const id = `${value.producer}/${value.seq}`;
    expect(seen.has(id), `duplicate ${id}`).toBe(false);
    seen.add(id);
    // Sequential sends per producer: its records appear in seq order, none skipped.
    expect(value.seq, `producer ${value.producer} at offset ${offset}`).toBe(nextSeq[value.producer]);
    nextSeq[value.producer]!++;
    // The offset each produce acknowledged holds that very record.
    expect(acknowledged.get(offset)).toEqual(value);
  }
  expect(nextSeq).toEqual(new Array<number>(PRODUCERS).fill(RECORDS_PER_PRODUCER));
});
