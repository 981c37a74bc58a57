// edgelog produce <topic>: one record per stdin line (kcat -P / rpk topic produce),
// through the SDK producer, so lines are batched per partition and, by default,
// produced idempotently.

import { createInterface } from "node:readline";
import { Command, Option } from "commander";
import type { Message, RecordMetadata } from "../client/index.js";
import { changedNumber, keepsNumbers, mayChangeNumbers, parseKeepingNumbers } from "../protocol/json-numbers.js";
import { clientOf, integer } from "./context.js";
import { Progress } from "./progress.js";

/** Lines per send() call, and send() calls in flight at once. */
const LINES_PER_SEND = 500;
const MAX_SENDS_IN_FLIGHT = 16;

export function produceCommand(): Command {
  return new Command("produce")
    .argument("<topic>")
    .description("produce one record per line of stdin")
    .addOption(new Option("-f, --format <format>", "how a value line is read").choices(["raw", "json"]).default("raw"))
    .option("-k, --key-separator <separator>", "split each line at the first separator into key and value")
    .option("-p, --partition <partition>", "produce to this partition", integer("--partition"))
    .option("-H, --header <name=value>", "a header on every record (repeatable)", collect, [] as string[])
    .addOption(new Option("--acks <acks>", "acknowledgement level").choices(["all", "1", "0"]).default("all"))
    .option("--no-idempotence", "do not stamp batches with producer sequences")
    .option("--linger-ms <ms>", "how long a batch waits for more records", integer("--linger-ms"))
    .option("--batch-size <records>", "records per partition batch", integer("--batch-size"))
    .action(async (topic: string, options, command: Command) => {
      const headers = Object.fromEntries((options.header as string[]).map(splitHeader));
      const acks = options.acks === "all" ? "all" : (Number(options.acks) as 0 | 1);
      const producer = clientOf(command).producer({
        acks,
        // Idempotence needs acks=all (as in Kafka); other acks turn it off.
        idempotent: options.idempotence && acks === "all",
        ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      const progress = new Progress("produced");
      const inFlight: Promise<RecordMetadata[]>[] = [];
      let chunk: Message[] = [];
      let lineNumber = 0;
      const flushChunk = async () => {
        if (chunk.length === 0) return;
        const count = chunk.length;
        inFlight.push(
          producer.send({ topic, messages: chunk }).then((results) => {
            progress.add(count);
            return results;
          }),
        );
        chunk = [];
        if (inFlight.length >= MAX_SENDS_IN_FLIGHT) await inFlight.shift();
      };
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
        lineNumber++;
        if (line.length === 0) continue;
        chunk.push(toMessage(line, lineNumber, options, headers));
        if (chunk.length >= LINES_PER_SEND) await flushChunk();
      }
      await flushChunk();
      await Promise.all(inFlight);
      await producer.disconnect();
      progress.done(`to ${topic}`);
    });
}

function toMessage(
  line: string,
  lineNumber: number,
  options: { format: "raw" | "json"; keySeparator?: string; partition?: number },
  headers: Record<string, string>,
): Message {
  let key: string | null = null;
  let text = line;
  if (options.keySeparator) {
    const at = line.indexOf(options.keySeparator);
    if (at < 0) throw new Error(`line ${lineNumber} has no key separator "${options.keySeparator}"`);
    key = line.slice(0, at);
    text = line.slice(at + options.keySeparator.length);
  }
  const value = options.format === "json" ? jsonLine(text, lineNumber) : text;
  return { key, value, headers, partition: options.partition };
}

/** A JSON line's value, its numbers as written, as the server stores them: a number
 * this Node.js cannot keep (it has no JSON.rawJSON before Node 21) is refused rather
 * than sent changed. */
function jsonLine(text: string, lineNumber: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`line ${lineNumber} is not JSON: ${(error as Error).message}`);
  }
  if (!mayChangeNumbers(text)) return value;
  if (keepsNumbers()) return parseKeepingNumbers(text);
  const changed = changedNumber(text);
  if (changed !== null) {
    throw new Error(
      `line ${lineNumber}: ${changed} would be sent changed (Node.js 21 or later keeps numbers as written)`,
    );
  }
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitHeader(header: string): [string, string] {
  const at = header.indexOf("=");
  if (at <= 0) throw new Error(`a header is name=value, not "${header}"`);
  return [header.slice(0, at), header.slice(at + 1)];
}
