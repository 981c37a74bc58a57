// Topics: the list with partitions, records and bytes, a create form, and delete with
// confirmation (the name must be typed: a deleted topic's records are gone).

import { CLEANUP_POLICIES, type CleanupPolicy } from "../../protocol/topic.js";
import { errorText } from "../api.js";
import { bytes, count, h, link, mount, table } from "../dom.js";
import { cardForm, field, fieldValue, input, onSubmit, select, statusLine } from "../form.js";
import { MAX_SUMMARIZED_TOPICS, type TopicSummary, topicSummaries } from "../topic-summary.js";
import { confirmAction, heading, jumpForm, load, type View, type ViewContext } from "../view.js";

const REFRESH_MS = 5_000;
const HOUR_MS = 3_600_000;

export const topicsView: View = async (context) => {
  const list = h("div", null, h("p", { class: "loading" }, "Loading…"));
  const refresh = () => load(context, list, () => topicList(context, refresh));
  mount(
    context.main,
    heading("Topics", jumpForm("Open a topic by name", "#/topics/", "topic name")),
    createForm(context, refresh),
    h("h2", null, "All topics"),
    list,
  );
  context.every(REFRESH_MS, refresh);
};

async function topicList(context: ViewContext, refresh: () => Promise<void>): Promise<Node[]> {
  const { summaries, total } = await topicSummaries(context.api.admin);
  const rows = summaries.map((topic) => [
    link(`#/topics/${encodeURIComponent(topic.name)}`, topic.name),
    count(topic.partitions),
    count(topic.replicationFactor),
    count(topic.records),
    bytes(topic.sizeBytes),
    health(topic),
    h(
      "button",
      {
        type: "button",
        class: "danger small",
        "aria-label": `Delete topic ${topic.name}`,
        on: { click: () => deleteTopic(context, topic.name, refresh) },
      },
      "Delete",
    ),
  ]);
  return [
    table(
      "Topics",
      ["Name", "Partitions", "RF", "Records", "Size", "Replicas", ""],
      rows,
      "No topics yet: create one above.",
    ),
    total > MAX_SUMMARIZED_TOPICS ? h("p", null, `Showing the first ${MAX_SUMMARIZED_TOPICS} of ${total} topics.`) : [],
  ].flat();
}

function health(topic: TopicSummary): HTMLElement {
  if (topic.offline > 0) return h("span", { class: "badge bad" }, `${topic.offline} offline`);
  if (topic.underReplicated > 0) return h("span", { class: "badge warn" }, `${topic.underReplicated} under-replicated`);
  return h("span", { class: "badge ok" }, "in sync");
}

async function deleteTopic(context: ViewContext, name: string, refresh: () => Promise<void>) {
  if (!(await confirmAction(`Delete topic ${name} and all its records?`, "Delete topic", name))) return;
  try {
    await context.api.admin.deleteTopic(name);
    context.notify(`Topic ${name} deleted.`);
  } catch (error) {
    context.notify(`Could not delete ${name}: ${errorText(error)}`, "error");
  }
  await refresh();
}

function cleanupPolicyOf(value: string): CleanupPolicy {
  return CLEANUP_POLICIES.find((p) => p === value) ?? "delete";
}

function createForm(context: ViewContext, refresh: () => Promise<void>): HTMLElement {
  const status = statusLine();
  const form = cardForm("Create a topic", {
    fields: [
      field(
        "Name",
        input({ name: "name", required: true, pattern: "[a-zA-Z0-9._\\-]{1,249}", autocomplete: "off" }),
        "Letters, digits, . _ -",
      ),
      field("Partitions", input({ name: "partitions", type: "number", min: 1, max: 1024, value: 1, required: true })),
      field(
        "Replication factor",
        input({ name: "replicationFactor", type: "number", min: 1, max: 5, value: 1, required: true }),
      ),
      field(
        "Min in-sync replicas",
        input({ name: "minInsyncReplicas", type: "number", min: 1, max: 5, value: 1, required: true }),
      ),
      field(
        "Retention (hours)",
        input({ name: "retentionHours", type: "number", min: -1, value: 168, required: true }),
        "-1 keeps records forever",
      ),
      field(
        "Cleanup policy",
        select("cleanupPolicy", [
          ["delete", "delete (retention)"],
          ["compact", "compact (last record of each key)"],
          ["compact,delete", "compact and delete"],
        ]),
        "Compacted topics need a key on every record",
      ),
    ],
    actions: [h("button", { type: "submit" }, "Create topic")],
    after: [status],
  });
  onSubmit(form, status, async (values) => {
    const name = fieldValue(values, "name");
    const hours = Number(fieldValue(values, "retentionHours"));
    await context.api.admin.createTopic(name, {
      partitions: Number(fieldValue(values, "partitions")),
      replicationFactor: Number(fieldValue(values, "replicationFactor")),
      minInsyncReplicas: Number(fieldValue(values, "minInsyncReplicas")),
      retentionMs: hours < 0 ? -1 : Math.round(hours * HOUR_MS),
      cleanupPolicy: cleanupPolicyOf(fieldValue(values, "cleanupPolicy")),
    });
    form.reset();
    await refresh();
    return `Topic ${name} created.`;
  });
  return form;
}
