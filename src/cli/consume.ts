// edgelog consume <topic...>, with rpk's flags (rpk topic consume; kcat -C where they
// overlap): -p partitions, -o where to start, -n how many, -g a group to commit in,
// -f the output format. Without -g it reads with no group at all. Stops at the
// highWatermark unless --follow; or after -n records.

import { Command } from "commander";
import type { KafkaMessage } from "../client/index.js";
import { consumeInGroup } from "./consume-group.js";
import { consumeWithoutGroup } from "./consume-partitions.js";
import { Api, clientOf, integer, out, urlOf } from "./context.js";
import { Progress } from "./progress.js";
import { announcingFetch } from "./reachability.js";
import { rendererFor } from "./record-format.js";
import { parseStartOffset, type StartOffset } from "./start-offset.js";

/** Where each record goes: rendered to stdout and counted; false once -n is reached. */
export type Sink = (message: KafkaMessage) => Promise<boolean>;

export interface ConsumeOptions {
  partitions?: number[];
  offset?: StartOffset;
  num?: number;
  group?: string;
  format: string;
  keySeparator: string;
  follow?: boolean;
  fromBeginning?: boolean;
}

/** Long-poll wait of a following consumer. */
const FOLLOW_WAIT_MS = 5_000;

export function consumeCommand(): Command {
  return new Command("consume")
    .argument("<topics...>")
    .description("print records to stdout, one per line (rpk topic consume)")
    .option("-p, --partitions <list>", "read only these partitions, e.g. 0,2 (without a group)", partitionList)
    .option(
      "-o, --offset <where>",
      "start at: start, end, an offset N, -N (the last N), @<ms> or @<ISO time> (default start; with -g: end)",
      parseStartOffset,
    )
    .option("-n, --num <count>", "stop after this many records", integer("--num"))
    .option("-g, --group <group>", "consume as a member of this group, committing offsets as it goes")
    .option(
      "-f, --format <format>",
      "json (one object per record), value, kv, or a template of %t %k %v %p %o %d %h, e.g. '%k %v\\n'",
      "json",
    )
    .option("-k, --key-separator <separator>", "separator of the kv format", "\t")
    .option("--follow", "wait for new records until Ctrl-C instead of stopping at the highWatermark")
    .option("-b, --from-beginning", "the same as -o start")
    .action(async (topics: string[], options: ConsumeOptions, command: Command) => {
      const render = rendererFor(options.format, options.keySeparator);
      const start: StartOffset | undefined = options.fromBeginning ? { kind: "start" } : options.offset;
      const follow = options.follow === true;
      const fetch = follow ? announcingFetch(urlOf(command)) : undefined;
      const edgelog = clientOf(command, fetch);
      const progress = new Progress("consumed");
      const max = options.num;
      const sink: Sink = async (message) => {
        await out(render(message));
        progress.add(1);
        return max === undefined || progress.total < max;
      };
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      if (max !== 0) {
        if (options.group !== undefined) {
          if (options.partitions) throw new Error("--partitions reads without a group: a group assigns partitions");
          await consumeInGroup(edgelog, options.group, topics, { start, follow, signal: stop.signal }, sink);
        } else {
          const reading = { partitions: options.partitions, start: start ?? { kind: "start" }, follow };
          const api = new Api(command, fetch);
          await consumeWithoutGroup(
            edgelog,
            api,
            topics,
            { ...reading, maxWaitMs: FOLLOW_WAIT_MS, signal: stop.signal },
            sink,
          );
        }
      }
      progress.done(`from ${topics.join(", ")}`);
    });
}

function partitionList(text: string): number[] {
  if (!/^\d{1,4}(,\d{1,4})*$/.test(text)) throw new Error(`--partitions is a comma list such as 0,2, not "${text}"`);
  return [...new Set(text.split(",").map(Number))];
}
