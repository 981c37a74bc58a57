// edgelog offsets <topic>: Kafka's ListOffsets per partition (rpk topic describe -p,
// kafka-get-offsets): the log start and the highWatermark, and with --time the first
// offset at or after that time.

import { Command } from "commander";
import type { Admin } from "../client/index.js";
import { mapBounded } from "../common/bounded-map.js";
import { clientOf, out } from "./context.js";
import { parseTimestamp } from "./start-offset.js";
import { table } from "./table.js";

/** ListOffsets calls in flight at once. */
const LOOKUPS_IN_FLIGHT = 8;

interface PartitionOffsets {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  /** With --time: the first offset at or after it (the highWatermark if none), and its record's timestamp. */
  atTime?: { offset: number; timestamp: number | null };
}

export function offsetsCommand(): Command {
  return new Command("offsets")
    .argument("<topic>")
    .description("list each partition's earliest and latest offset (ListOffsets), and by time with --time")
    .option("--time <time>", "also the first offset at or after this time: ms since the epoch or an ISO time", time)
    .option("--json", "print JSON")
    .action(async (topic: string, options: { time?: number; json?: boolean }, command: Command) => {
      const admin = clientOf(command).admin();
      const { partitions } = await admin.describeTopic(topic);
      const rows = await mapBounded(partitions, LOOKUPS_IN_FLIGHT, (p) =>
        offsetsOf(admin, topic, p.partition, options.time),
      );
      if (options.json) return await out(`${JSON.stringify({ topic, partitions: rows })}\n`);
      const header = ["PARTITION", "LOG-START-OFFSET", "HIGH-WATERMARK"];
      if (options.time !== undefined) header.push("OFFSET-AT-TIME", "TIMESTAMP");
      await out(
        table(
          header,
          rows.map((r) => {
            const row: (number | string | null)[] = [r.partition, r.logStartOffset, r.highWatermark];
            if (r.atTime)
              row.push(
                r.atTime.offset,
                r.atTime.timestamp === null ? null : new Date(r.atTime.timestamp).toISOString(),
              );
            return row;
          }),
        ),
      );
    });
}

async function offsetsOf(admin: Admin, topic: string, partition: number, timeMs?: number): Promise<PartitionOffsets> {
  const [earliest, latest, atTime] = await Promise.all([
    admin.listOffsets(topic, partition, "earliest"),
    admin.listOffsets(topic, partition, "latest"),
    timeMs === undefined ? null : admin.listOffsets(topic, partition, timeMs),
  ]);
  const row: PartitionOffsets = { partition, logStartOffset: earliest.offset, highWatermark: latest.offset };
  if (atTime) row.atTime = { offset: atTime.offset, timestamp: atTime.timestamp ?? null };
  return row;
}

function time(text: string): number {
  const timestampMs = parseTimestamp(text);
  if (timestampMs === null) throw new Error(`--time is ms since the epoch or an ISO time, not "${text}"`);
  return timestampMs;
}
