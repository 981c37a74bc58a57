// edgelog groups list|describe|reset-offsets|delete

import { Command, Option } from "commander";
import type { ResetTarget } from "../client/index.js";
import { clientOf, integer, out } from "./context.js";
import { table } from "./table.js";

export function groupsCommand(): Command {
  const groups = new Command("groups").description("list, describe, reset and delete consumer groups");
  groups
    .command("list")
    .description("list consumer groups")
    .action(async (_options, command: Command) => {
      for (const groupId of await clientOf(command).admin().listGroups()) await out(`${groupId}\n`);
    });
  groups
    .command("describe <group>")
    .description("show a group's members, committed offsets and lag")
    .option("--json", "print JSON")
    .action(async (group: string, options, command: Command) => {
      const d = await clientOf(command).admin().describeGroup(group);
      if (options.json) return await out(`${JSON.stringify(d)}\n`);
      await out(`group: ${d.groupId}\nstate: ${d.state}\ngroupEpoch: ${d.groupEpoch}\nlag: ${d.lag}\n\n`);
      const assigned = (a: Record<string, number[]>) =>
        Object.entries(a)
          .map(([t, ps]) => `${t}:${ps.join(",")}`)
          .join(" ");
      if (d.members.length > 0) {
        await out(
          table(
            ["MEMBER-ID", "CLIENT-ID", "HOST", "MEMBER-EPOCH", "ASSIGNMENT"],
            d.members.map((m) => [
              m.memberId,
              m.clientId || null,
              m.clientHost || null,
              m.memberEpoch,
              assigned(m.assignment) || "-",
            ]),
          ),
        );
        await out("\n");
      }
      await out(
        table(
          ["TOPIC", "PARTITION", "COMMITTED-OFFSET", "HIGH-WATERMARK", "LAG"],
          d.offsets.map((o) => [o.topic, o.partition, o.offset, o.highWatermark, o.lag]),
        ),
      );
    });
  groups
    .command("reset-offsets <group>")
    .description("set a group's committed offsets for a topic (the group must have no members)")
    .requiredOption("-t, --topic <topic>", "the topic whose partitions to reset")
    .addOption(
      new Option("--to-earliest", "to each partition's logStartOffset").conflicts([
        "toLatest",
        "toOffset",
        "toTimestamp",
      ]),
    )
    .addOption(new Option("--to-latest", "to each partition's highWatermark").conflicts(["toOffset", "toTimestamp"]))
    .addOption(
      new Option("--to-offset <offset>", "to this offset, clamped into the log")
        .argParser(integer("--to-offset"))
        .conflicts("toTimestamp"),
    )
    .addOption(
      new Option("--to-timestamp <ms>", "to the first offset at or after this time").argParser(
        integer("--to-timestamp"),
      ),
    )
    .action(async (group: string, options, command: Command) => {
      const to: ResetTarget | null = options.toEarliest
        ? "earliest"
        : options.toLatest
          ? "latest"
          : options.toOffset !== undefined
            ? { offset: options.toOffset }
            : options.toTimestamp !== undefined
              ? { timestamp: options.toTimestamp }
              : null;
      if (!to) throw new Error("give one of --to-earliest, --to-latest, --to-offset, --to-timestamp");
      const offsets = await clientOf(command).admin().resetOffsets(group, options.topic, to);
      await out(
        table(
          ["TOPIC", "PARTITION", "NEW-OFFSET"],
          offsets.map((o) => [options.topic, o.partition, o.offset]),
        ),
      );
    });
  groups
    .command("delete <group>")
    .description("delete a group and its committed offsets (the group must have no members)")
    .action(async (group: string, _options, command: Command) => {
      await clientOf(command).admin().deleteGroup(group);
      await out(`deleted group ${group}\n`);
    });
  return groups;
}
