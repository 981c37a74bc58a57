// The idempotent producer (issue 6) against the server's producer state: answers are
// lost after the server appended, the SDK retries the same batch with the same
// baseSequence, and the log holds each record exactly once, in order. Needs
// POST /v1/producers and the producerId/producerEpoch/baseSequence produce fields.

import { expect, it } from "vitest";
import { fetchAll, uniqueTopic } from "./http.js";
import { lossyFetch } from "./lossy-fetch.js";
import { client } from "./sdk.js";

const MESSAGES = 300;

it("retries batches whose answers were lost, and the log holds each record exactly once", async () => {
  const topic = uniqueTopic("sdk-exactly-once");
  await client().admin().createTopic(topic, { partitions: 2 });
  const lossy = lossyFetch(/\/partitions\/\d+\/records/, 3);
  const producer = client({ fetch: lossy.fetch, retry: { initialRetryTimeMs: 20 } }).producer({ lingerMs: 2 });
  const sent = [];
  // Several sends in flight at once, so batches of both partitions overlap with losses.
  for (let round = 0; round < 10; round++) {
    const sends = Array.from({ length: 3 }, (_, s) =>
      producer.send({
        topic,
        messages: Array.from({ length: MESSAGES / 30 }, (_, i) => {
          const n = round * 30 + s * 10 + i;
          return { key: `k${n % 7}`, value: { n } };
        }),
      }),
    );
    sent.push(...(await Promise.all(sends)).flat());
  }
  await producer.disconnect();
  expect(lossy.lost).toBeGreaterThan(0);
  expect(producer.identity).toMatchObject({ producerEpoch: 0 });

  const logged: { offset: number; value: { n: number } }[][] = [];
  for (const partition of [0, 1]) logged.push(await fetchAll(topic, partition));
  const values = logged.flat().map((r) => r.value.n);
  expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: MESSAGES }, (_, n) => n));
  // Each send learned where its records are, and there they are.
  for (const meta of sent) {
    expect(logged[meta.partition]![meta.offset]!.offset).toBe(meta.offset);
  }
  const byValue = new Map(logged.flatMap((records, p) => records.map((r) => [r.value.n, { p, o: r.offset }])));
  // sent[n] is the metadata of the record with value n.
  for (const [n, meta] of sent.entries()) expect(byValue.get(n)).toEqual({ p: meta.partition, o: meta.offset });
  // Per key, records of one send keep their order, and a round's follow the round before.
  for (const records of logged) {
    const last = new Map<number, number>();
    for (const { value } of records) {
      const previous = last.get(value.n % 7);
      if (previous !== undefined) {
        const sameSend = Math.floor(previous / 10) === Math.floor(value.n / 10);
        expect(sameSend ? previous < value.n : Math.floor(previous / 30) <= Math.floor(value.n / 30)).toBe(true);
      }
      last.set(value.n % 7, value.n);
    }
  }
});
