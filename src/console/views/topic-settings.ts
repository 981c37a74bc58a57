// Changing a topic from the console: the alterable configuration (PATCH) and adding
// partitions (only grows; confirmed, since keys then map to other partitions).

import type { TopicDescription } from "../../client/index.js";
import { h } from "../dom.js";
import { cardForm, field, fieldValue, input, onSubmit, select, statusLine } from "../form.js";
import { confirmAction, type ViewContext } from "../view.js";

const HOUR_MS = 3_600_000;

export function topicSettings(
  context: ViewContext,
  topic: TopicDescription,
  onChanged: () => Promise<void>,
): HTMLElement {
  return h(
    "div",
    { class: "settings" },
    configForm(context, topic, onChanged),
    partitionsForm(context, topic, onChanged),
  );
}

function configForm(context: ViewContext, topic: TopicDescription, onChanged: () => Promise<void>): HTMLElement {
  const c = topic.config;
  const status = statusLine();
  const form = cardForm("Change configuration", {
    fields: [
      field(
        "Min in-sync replicas",
        input({
          name: "minInsyncReplicas",
          type: "number",
          min: 1,
          max: c.replicationFactor,
          value: c.minInsyncReplicas,
        }),
      ),
      field(
        "Retention (hours)",
        input({ name: "retentionHours", type: "number", min: -1, step: "any", value: hours(c.retentionMs) }),
        "-1 keeps records forever",
      ),
      field(
        "Retention bytes",
        input({ name: "retentionBytes", type: "number", min: -1, value: c.retentionBytes }),
        "Per partition; -1: no limit",
      ),
      field(
        "Follower fetch",
        select(
          "followerFetch",
          [
            ["false", "Off"],
            ["true", "On"],
          ],
          String(c.followerFetch),
        ),
      ),
    ],
    actions: [h("button", { type: "submit" }, "Save configuration")],
    after: [status],
  });
  onSubmit(form, status, async (values) => {
    const retentionHours = Number(fieldValue(values, "retentionHours"));
    await context.api.admin.alterTopicConfig(topic.name, {
      minInsyncReplicas: Number(fieldValue(values, "minInsyncReplicas")),
      retentionMs: retentionHours < 0 ? -1 : Math.round(retentionHours * HOUR_MS),
      retentionBytes: Number(fieldValue(values, "retentionBytes")),
      followerFetch: fieldValue(values, "followerFetch") === "true",
    });
    await onChanged();
    return "Configuration saved.";
  });
  return form;
}

function partitionsForm(context: ViewContext, topic: TopicDescription, onChanged: () => Promise<void>): HTMLElement {
  const status = statusLine();
  const current = topic.partitions.length;
  const form = cardForm("Add partitions", {
    fields: [
      field(
        "Partitions in all",
        input({ name: "count", type: "number", min: current + 1, max: 1024, value: current + 1, required: true }),
        `Now ${current}; a topic never shrinks`,
      ),
    ],
    actions: [h("button", { type: "submit" }, "Add partitions")],
    after: [status],
  });
  onSubmit(form, status, async (values) => {
    const count = Number(fieldValue(values, "count"));
    const question = `Grow ${topic.name} to ${count} partitions? Keys will map to other partitions from now on.`;
    if (!(await confirmAction(question, "Add partitions"))) return "Not changed.";
    await context.api.admin.createPartitions(topic.name, count);
    await onChanged();
    return `${topic.name} has ${count} partitions.`;
  });
  return form;
}

function hours(ms: number): number {
  return ms < 0 ? -1 : Math.round((ms / HOUR_MS) * 1000) / 1000;
}
