// edgelog: the command line of Edgelog (topics, produce, consume, offsets, groups,
// tokens), over the SDK.

import { Command, Option } from "commander";
import { EdgelogClientError } from "../client/index.js";
import { gatewayCommand } from "../gateway/command.js";
import { consumeCommand } from "./consume.js";
import { groupsCommand } from "./groups.js";
import { offsetsCommand } from "./offsets.js";
import { OutputClosed } from "./output.js";
import { produceCommand } from "./produce.js";
import { tokensCommand } from "./tokens.js";
import { topicsCommand } from "./topics.js";

const program = new Command("edgelog")
  .description("Apache Kafka's semantics as an edge-native serverless log: the command line")
  // Set from package.json by scripts/build-cli.mjs.
  .version(process.env.EDGELOG_VERSION ?? "dev")
  .addOption(new Option("--url <url>", "Edgelog base URL").env("EDGELOG_URL").default("http://127.0.0.1:8787"))
  .addOption(new Option("--token <token>", "bearer token").env("EDGELOG_TOKEN"))
  .showHelpAfterError()
  .addCommand(topicsCommand())
  .addCommand(produceCommand())
  .addCommand(consumeCommand())
  .addCommand(offsetsCommand())
  .addCommand(groupsCommand())
  .addCommand(tokensCommand())
  .addCommand(gatewayCommand());

try {
  await program.parseAsync();
} catch (error) {
  // The reader of our output has gone (`| head`): a normal end for a filter. Pending
  // clean-up (leaving the group) still runs before Node exits.
  if (!(error instanceof OutputClosed)) fail(error);
}

function fail(error: unknown): void {
  process.stderr.write(`edgelog: ${explain(error, program.opts().url)}\n`);
  process.exitCode = 1;
}

/** One clear line: the server's code and message, and what to do where it is obvious. */
function explain(error: unknown, url: string): string {
  if (!(error instanceof EdgelogClientError)) return error instanceof Error ? error.message : String(error);
  const hint =
    error.code === "NETWORK_EXCEPTION"
      ? ` (is Edgelog running at ${url}? set --url or EDGELOG_URL)`
      : error.code === "SASL_AUTHENTICATION_FAILED"
        ? " (pass --token or set EDGELOG_TOKEN)"
        : "";
  return `${error.code}: ${error.message}${hint}`;
}
