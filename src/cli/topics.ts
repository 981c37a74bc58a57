// edgelog topics create|list|describe|alter-config|add-partitions|delete

import { Command, Option } from "commander";
import type { TopicConfigPatch } from "../client/index.js";
import { clientOf, integer, out } from "./context.js";
import { table } from "./table.js";

export function topicsCommand(): Command {
  const topics = new Command("topics").description("create, list, describe, change and delete topics");
  const create = topics
    .command("create <topic>")
    .description("create a topic")
    .option("-p, --partitions <count>", "partitions", integer("--partitions"), 1)
    .option("-r, --replication-factor <count>", "replicas per partition", integer("--replication-factor"), 1);
  withConfigOptions(create).action(async (topic: string, options, command: Command) => {
    const created = await clientOf(command)
      .admin()
      .createTopic(topic, {
        partitions: options.partitions,
        replicationFactor: options.replicationFactor,
        ...configOf(options),
      });
    await out(`created topic ${created.name} (${created.partitions.length} partitions, id ${created.topicId})\n`);
  });
  topics
    .command("list")
    .description("list topics")
    .option("--json", "print JSON")
    .action(async (options, command: Command) => {
      const listed = await clientOf(command).admin().listTopics();
      if (options.json) return await out(`${JSON.stringify(listed)}\n`);
      await out(
        table(
          ["NAME", "PARTITIONS", "REPLICAS", "RETENTION-MS"],
          listed.map((t) => [t.name, t.partitions, t.config.replicationFactor, t.config.retentionMs]),
        ),
      );
    });
  topics
    .command("describe <topic>")
    .description("show a topic's config and partitions")
    .option("--json", "print JSON")
    .action(async (topic: string, options, command: Command) => {
      const described = await clientOf(command).admin().describeTopic(topic);
      if (options.json) return await out(`${JSON.stringify(described)}\n`);
      const config = Object.entries(described.config).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      await out(`name: ${described.name}\ntopicId: ${described.topicId}\nconfig: ${config.join(" ")}\n\n`);
      await out(
        table(
          ["PARTITION", "LEADER", "LEADER-EPOCH", "REPLICAS", "ISR", "LOG-START-OFFSET", "HIGH-WATERMARK"],
          described.partitions.map((p) => [
            p.partition,
            p.leader,
            p.leaderEpoch,
            p.replicas.join(","),
            p.isr.join(","),
            p.logStartOffset,
            p.highWatermark,
          ]),
        ),
      );
    });
  withConfigOptions(topics.command("alter-config <topic>").description("change what may change of a topic's config"))
    .option(
      "--replica-lag-time-ms <ms>",
      "how long a follower may lag before leaving the ISR",
      integer("--replica-lag-time-ms"),
    )
    .addOption(new Option("--follower-fetch <on>", "serve fetches from the nearest in-sync replica").choices(BOOLEANS))
    .addOption(
      new Option(
        "--unclean-leader-election <on>",
        "elect a replica outside the ISR when no ISR member is left",
      ).choices(BOOLEANS),
    )
    .action(async (topic: string, options, command: Command) => {
      const patch: TopicConfigPatch = {
        ...configOf(options),
        ...(options.replicaLagTimeMs === undefined ? {} : { replicaLagTimeMs: options.replicaLagTimeMs }),
        ...(options.followerFetch === undefined ? {} : { followerFetch: options.followerFetch === "true" }),
        ...(options.uncleanLeaderElection === undefined
          ? {}
          : { uncleanLeaderElection: options.uncleanLeaderElection === "true" }),
      };
      if (Object.keys(patch).length === 0) throw new Error("give at least one setting to change (see --help)");
      const altered = await clientOf(command).admin().alterTopicConfig(topic, patch);
      const changed = Object.keys(patch).map((k) => `${k}=${JSON.stringify(altered.config[k as keyof typeof patch])}`);
      await out(`topic ${topic}: ${changed.join(" ")}\n`);
    });
  topics
    .command("add-partitions <topic> <count>")
    .description("grow a topic to <count> partitions in all")
    .action(async (topic: string, count: string, _options, command: Command) => {
      const grown = await clientOf(command).admin().createPartitions(topic, integer("count")(count));
      await out(`topic ${topic} has ${grown.partitions.length} partitions\n`);
    });
  topics
    .command("delete <topic>")
    .description("delete a topic and its records")
    .action(async (topic: string, _options, command: Command) => {
      await clientOf(command).admin().deleteTopic(topic);
      await out(`deleted topic ${topic}\n`);
    });
  return topics;
}

const BOOLEANS = ["true", "false"];
const CLEANUP_POLICIES = ["delete", "compact", "compact,delete"];

/** The fields of the options withConfigOptions adds. */
const CONFIG_FIELDS = [
  "minInsyncReplicas",
  "retentionMs",
  "retentionBytes",
  "cleanupPolicy",
  "minCompactionLagMs",
  "maxCompactionLagMs",
  "deleteRetentionMs",
  "minCleanableDirtyRatio",
] as const;

/** The config options that both create and alter-config take, in that order. */
function withConfigOptions(command: Command): Command {
  return command
    .option("--min-insync-replicas <count>", "replicas an acks=all write needs", integer("--min-insync-replicas"))
    .option("--retention-ms <ms>", "keep records this long (-1: forever)", signedInteger("--retention-ms"))
    .option(
      "--retention-bytes <bytes>",
      "keep at most this many bytes per partition (-1: no limit)",
      signedInteger("--retention-bytes"),
    )
    .addOption(
      new Option("--cleanup-policy <policy>", "delete old records, keep each key's last, or both").choices(
        CLEANUP_POLICIES,
      ),
    )
    .option(
      "--min-compaction-lag-ms <ms>",
      "never compact records younger than this",
      integer("--min-compaction-lag-ms"),
    )
    .option(
      "--max-compaction-lag-ms <ms>",
      "compact records older than this whatever the dirty ratio (-1: unbounded)",
      signedInteger("--max-compaction-lag-ms"),
    )
    .option("--delete-retention-ms <ms>", "keep tombstones this long once compacted", integer("--delete-retention-ms"))
    .option("--min-cleanable-dirty-ratio <ratio>", "compact once this share is dirty (0..1)", ratio);
}

/** The config the options give (those withConfigOptions adds). */
function configOf(options: Record<string, unknown>): TopicConfigPatch {
  return Object.fromEntries(CONFIG_FIELDS.filter((f) => options[f] !== undefined).map((f) => [f, options[f]]));
}

function ratio(value: string): number {
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(value))
    throw new Error(`--min-cleanable-dirty-ratio must be 0..1, not "${value}"`);
  return Number(value);
}

/** Retention settings take -1 (no limit) beside non-negative integers. */
function signedInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d{1,16}$/.test(value)) throw new Error(`${name} must be an integer, not "${value}"`);
    return Number(value);
  };
}
