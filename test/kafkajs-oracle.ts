// kafkajs' DefaultPartitioner (Java-compatible murmur2): the oracle that Edgelog's
// partitioner is tested against. A devDependency used by tests only.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Partitioners } = require("kafkajs") as typeof import("kafkajs");
const partitioner = Partitioners.DefaultPartitioner();

/** The partition kafkajs picks for a non-null key among `partitionCount` partitions. */
export function kafkajsPartition(key: string, partitionCount: number): number {
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: "oracle", partitionMetadata, message: { key, value: null } });
}

export const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: Buffer | string,
) => number;
