// A replica's stored records as JSON, for the chaos test's comparison of replicas
// (a test hook: the router exposes it only with EDGELOG_FAULTS=1).

import { RecordsJson } from "../protocol/records-json.js";
import { StoredRowRecords } from "../protocol/stored-row.js";
import type { PartitionLog } from "./partition-log.js";

const MAX_DUMP_RECORDS = 100_000;

/** Every stored record from `fromOffset` up to the logEndOffset, whatever the role. */
export function dumpRecords(log: PartitionLog, fromOffset: number): string {
  const records = new RecordsJson();
  for (const batch of log.batchesFrom(fromOffset, Number.MAX_SAFE_INTEGER, MAX_DUMP_RECORDS)) {
    const row = new StoredRowRecords(batch.payload, batch.baseOffset);
    while (row.next()) if (row.offset >= fromOffset) records.add(row, "json");
  }
  return new TextDecoder().decode(records.finish());
}
