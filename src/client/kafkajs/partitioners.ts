// kafkajs' partitioner choice. Edgelog's producer partitions with Kafka's murmur2,
// which is kafkajs' DefaultPartitioner (JavaCompatiblePartitioner); the legacy one and
// custom partitioners would send keys elsewhere than the server does, so are refused.

import { KafkaJSNonRetriableError } from "./errors.js";

export type ICustomPartitioner = () => unknown;

const javaCompatible: ICustomPartitioner = () => "murmur2";

export const Partitioners = {
  DefaultPartitioner: javaCompatible,
  JavaCompatiblePartitioner: javaCompatible,
  LegacyPartitioner: (() => "legacy") as ICustomPartitioner,
} as const;

export function checkPartitioner(createPartitioner: unknown): void {
  if (createPartitioner === undefined || createPartitioner === javaCompatible) return;
  throw new KafkaJSNonRetriableError(
    "createPartitioner: Edgelog partitions with Kafka's murmur2 only (Partitioners.DefaultPartitioner)",
  );
}
