// edgelog consume <topic...> (kcat -C / rpk topic consume) through the SDK consumer:
// with --group as a member of that group (committing as it goes), without one as a
// member of a throwaway group that is deleted afterwards. Stops once caught up with
// every partition's highWatermark, unless --follow; or after --max-messages.

import { Command, Option } from "commander";
import type { KafkaMessage } from "../client/index.js";
import { encodeBase64 } from "../protocol/base64.js";
import { clientOf, integer, out } from "./context.js";
import { Progress } from "./progress.js";

type Format = "json" | "value" | "kv";

export function consumeCommand(): Command {
  return new Command("consume")
    .argument("<topics...>")
    .description("print records to stdout, one per line")
    .option("-g, --group <group>", "consume as a member of this group, committing offsets")
    .option("-b, --from-beginning", "start partitions without a committed offset at the earliest offset")
    .option("-f, --follow", "keep waiting for new records instead of stopping once caught up")
    .option("-n, --max-messages <count>", "stop after this many records", integer("--max-messages"))
    .addOption(
      new Option(
        "-o, --format <format>",
        "json: one JSON object per record; value: the value; kv: key, separator, value",
      )
        .choices(["json", "value", "kv"])
        .default("json"),
    )
    .option("-k, --key-separator <separator>", "separator of the kv format", "\t")
    .action(async (topics: string[], options, command: Command) => {
      const edgelog = clientOf(command);
      // A topic that does not exist would leave the member with nothing to read, forever.
      await Promise.all(topics.map((topic) => edgelog.admin().describeTopic(topic)));
      const throwaway = options.group === undefined;
      const groupId: string = options.group ?? `edgelog-cli-${crypto.randomUUID()}`;
      const consumer = edgelog.consumer({ groupId, maxWaitMs: options.follow ? 5_000 : 1_000 });
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning === true || throwaway });
      const progress = new Progress("consumed");
      const max: number | undefined = options.maxMessages;
      let failure: unknown = null;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      let stopping: Promise<void> | null = null;
      const stop = () => {
        stopping ??= consumer.disconnect().finally(finish);
      };
      consumer.on("consumer.crash", ({ error }) => {
        failure = error;
        finish();
      });
      consumer.on("consumer.fetch", ({ caughtUp }) => {
        if (caughtUp && !options.follow) stop();
      });
      process.once("SIGINT", stop);
      if (max === 0) stop();
      await consumer.run({
        autoCommit: !throwaway,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          for (const message of batch.messages) {
            if (stopping) return;
            await out(render(message, options.format, options.keySeparator));
            resolveOffset(message.offset);
            progress.add(1);
            if (max !== undefined && progress.total >= max) return stop();
          }
        },
      });
      await finished;
      if (stopping) await stopping;
      if (throwaway)
        await edgelog
          .admin()
          .deleteGroup(groupId)
          .catch(() => {});
      if (failure) throw failure;
      progress.done(`from ${topics.join(", ")}`);
    });
}

function render(message: KafkaMessage, format: Format, keySeparator: string): string {
  if (format === "json") {
    return `${JSON.stringify({ ...message, key: text(message.key), value: binary(message.value) })}\n`;
  }
  const value = valueText(message.value);
  if (format === "value") return `${value}\n`;
  return `${message.key === null ? "" : text(message.key)}${keySeparator}${value}\n`;
}

/** Bytes as base64 in JSON output. */
function binary(value: unknown): unknown {
  return value instanceof Uint8Array ? encodeBase64(value) : value;
}

function text(key: string | Uint8Array | null): string | null {
  return key instanceof Uint8Array ? encodeBase64(key) : key;
}

function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(value);
}
