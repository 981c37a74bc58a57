// One topic: its config, each partition's leader, replicas, ISR and offsets (refreshed),
// a produce form and the live message browser.

import type { TopicDescription } from "../../client/index.js";
import { bytes, count, h, mount, table } from "../dom.js";
import { heading, load, type View } from "../view.js";
import { messageBrowser } from "./message-browser.js";
import { produceForm } from "./produce-form.js";
import { topicSettings } from "./topic-settings.js";

const REFRESH_MS = 3_000;

export const topicView: View = async (context, name = "") => {
  const partitions = h("div", null, h("p", { class: "loading" }, "Loading…"));
  const config = h("div");
  const tools = h("div");
  mount(
    context.main,
    heading(`Topic ${name}`, h("a", { href: "#/topics" }, "← All topics")),
    h(
      "section",
      { "aria-labelledby": "partitions-title" },
      h("h2", { id: "partitions-title" }, "Partitions"),
      partitions,
    ),
    tools,
    config,
  );
  // The produce form and the browser are redrawn when the partition count changes,
  // the configuration after the settings forms change it.
  let shownPartitions = -1;
  let configChanged = false;
  let replaced: AbortController | null = null;
  const afterChange = async () => {
    configChanged = true;
    await refresh();
  };
  const refresh = () =>
    load(context, partitions, async () => {
      const topic = await context.api.admin.describeTopic(name);
      if (shownPartitions < 0) mount(config, configSection(topic), topicSettings(context, topic, afterChange));
      else if (configChanged) config.firstElementChild?.replaceWith(configSection(topic));
      configChanged = false;
      if (topic.partitions.length !== shownPartitions) {
        shownPartitions = topic.partitions.length;
        replaced?.abort();
        replaced = new AbortController();
        const signal = AbortSignal.any([context.signal, replaced.signal]);
        mount(tools, produceForm(context, topic, refresh), messageBrowser(context, topic, signal));
      }
      return partitionTable(topic);
    });
  context.every(REFRESH_MS, refresh);
};

function partitionTable(topic: TopicDescription): HTMLElement {
  const rows = topic.partitions.map((p) => {
    const outOfSync = p.replicas.filter((r) => !p.isr.includes(r));
    return [
      String(p.partition),
      p.leader < 0 ? h("span", { class: "badge bad" }, "offline") : String(p.leader),
      String(p.leaderEpoch),
      p.replicas.join(", "),
      h(
        "span",
        {
          class: outOfSync.length > 0 ? "badge warn" : "badge ok",
          title: outOfSync.length > 0 ? `out of sync: ${outOfSync.join(", ")}` : "all replicas in sync",
        },
        p.isr.join(", ") || "none",
      ),
      count(p.logStartOffset),
      count(p.highWatermark),
      count(p.highWatermark < 0 ? -1 : p.highWatermark - p.logStartOffset),
      bytes(p.sizeBytes),
    ];
  });
  return table(
    `Partitions of ${topic.name}`,
    ["Partition", "Leader", "Epoch", "Replicas", "ISR", "Log start", "High watermark", "Records", "Size"],
    rows,
    "This topic has no partitions.",
  );
}

function configSection(topic: TopicDescription): HTMLElement {
  const c = topic.config;
  const entries: [string, string][] = [
    ["Topic id", topic.topicId],
    ["Replication factor", String(c.replicationFactor)],
    ["Min in-sync replicas", String(c.minInsyncReplicas)],
    ["Retention", c.retentionMs < 0 ? "forever" : `${(c.retentionMs / 3_600_000).toFixed(1)} h`],
    ["Retention bytes", c.retentionBytes < 0 ? "no limit" : bytes(c.retentionBytes)],
    ["Cleanup policy", c.cleanupPolicy],
    ["Follower fetch", c.followerFetch ? "on" : "off"],
    ["Unclean leader election", c.uncleanLeaderElection ? "on" : "off"],
    ["Placement", c.placement.join(", ") || "any"],
  ];
  return h(
    "section",
    { "aria-labelledby": "config-title" },
    h("h2", { id: "config-title" }, "Configuration"),
    h(
      "dl",
      { class: "config" },
      entries.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v))),
    ),
  );
}
