// One consumer group: state and members with their assignments, committed offsets
// with lag, the lag chart, and offset reset and delete, enabled only while the group
// is empty (the coordinator refuses them otherwise).

import type { GroupDetails, ResetTarget } from "../../client/index.js";
import { errorText } from "../api.js";
import { count, h, mount, table, time } from "../dom.js";
import { cardForm, field, fieldValue, input, onSubmit, select, statusLine } from "../form.js";
import { confirmAction, heading, load, type View, type ViewContext } from "../view.js";
import { LagChart } from "./lag-chart.js";

const REFRESH_MS = 2_000;

export const groupView: View = async (context, groupId = "") => {
  const summary = h("div", null, h("p", { class: "loading" }, "Loading…"));
  const chart = new LagChart(`Lag per partition of ${groupId}`);
  const tools = h("div");
  mount(
    context.main,
    heading(`Group ${groupId}`, h("a", { href: "#/groups" }, "← All groups")),
    summary,
    h("section", { "aria-labelledby": "lag-title" }, h("h2", { id: "lag-title" }, "Lag over time"), chart.element),
    tools,
  );
  let toolsShown = false;
  context.every(REFRESH_MS, () =>
    load(context, summary, async () => {
      const group = await context.api.admin.describeGroup(groupId);
      chart.add(Date.now(), new Map(group.offsets.map((o) => [`${o.topic}/${o.partition}`, o.lag ?? 0])));
      if (!toolsShown) {
        toolsShown = true;
        mount(tools, resetForm(context, group), deleteSection(context, groupId));
      }
      needEmptyGroup(tools, group.members.length);
      return groupSummary(group);
    }),
  );
};

function groupSummary(group: GroupDetails): Node[] {
  const members = group.members.map((m) => [
    h("code", null, m.memberId),
    m.clientId || "?",
    m.clientHost || "?",
    String(m.memberEpoch),
    m.topics.join(", "),
    assignmentText(m.assignment),
  ]);
  const offsets = group.offsets.map((o) => [
    o.topic,
    String(o.partition),
    count(o.offset),
    o.highWatermark === null ? "?" : count(o.highWatermark),
    h("span", { "data-lag": `${o.topic}/${o.partition}` }, o.lag === null ? "?" : count(o.lag)),
    time(o.commitTimestamp),
  ]);
  return [
    h(
      "dl",
      { class: "stats" },
      h("div", { class: "stat" }, h("dt", null, "State"), h("dd", { "data-state": group.state }, group.state)),
      h("div", { class: "stat" }, h("dt", null, "Group epoch"), h("dd", null, String(group.groupEpoch))),
      h("div", { class: "stat" }, h("dt", null, "Members"), h("dd", null, count(group.members.length))),
      h(
        "div",
        { class: "stat" },
        h("dt", null, "Total lag"),
        h("dd", { "data-total-lag": group.lag }, count(group.lag)),
      ),
    ),
    h("h2", null, "Members"),
    table(
      "Members",
      ["Member", "Client ID", "Host", "Epoch", "Topics", "Assignment"],
      members,
      "No members: the group is empty.",
    ),
    h("h2", null, "Committed offsets"),
    table(
      "Committed offsets",
      ["Topic", "Partition", "Committed", "High watermark", "Lag", "Committed at"],
      offsets,
      "No committed offsets yet.",
    ),
  ];
}

function assignmentText(assignment: Record<string, number[]>): string {
  const parts = Object.entries(assignment).map(([topic, partitions]) => `${topic}: ${partitions.join(", ")}`);
  return parts.join("; ") || "none";
}

/** Reset and delete only work on an empty group: their buttons say why they are off. */
function needEmptyGroup(tools: HTMLElement, members: number): void {
  const reason =
    members === 0
      ? ""
      : `The group has ${count(members)} ${members === 1 ? "member" : "members"}: stop its consumers first.`;
  for (const button of tools.querySelectorAll<HTMLButtonElement>("button[data-needs-empty]"))
    button.disabled = members > 0;
  for (const note of tools.querySelectorAll<HTMLElement>("[data-empty-reason]")) {
    note.textContent = reason;
    note.hidden = members === 0;
  }
}

/** Where a button that needs an empty group says why it is disabled. */
function emptyReason(id: string): HTMLElement {
  return h("p", { class: "status", id, "data-empty-reason": "", hidden: true });
}

function resetForm(context: ViewContext, group: GroupDetails): HTMLElement {
  const status = statusLine();
  const topics = [...new Set(group.offsets.map((o) => o.topic))].sort();
  const form = cardForm("Reset offsets", {
    intro: "Only while the group has no members.",
    fields: [
      field(
        "Topic",
        input({ name: "topic", required: true, list: "reset-topics", autocomplete: "off", value: topics[0] ?? "" }),
      ),
      h(
        "datalist",
        { id: "reset-topics" },
        topics.map((t) => h("option", { value: t })),
      ),
      field(
        "To",
        select("to", [
          ["earliest", "Earliest"],
          ["latest", "Latest"],
          ["offset", "Offset"],
          ["time", "Time"],
        ]),
      ),
      field("Offset", input({ name: "offset", type: "number", min: 0, value: 0 }), "With To: Offset"),
      field("Time", input({ name: "time", type: "datetime-local", step: 1 }), "With To: Time"),
    ],
    actions: [
      h(
        "button",
        { type: "submit", class: "danger", "data-needs-empty": "", "aria-describedby": "reset-disabled" },
        "Reset offsets",
      ),
    ],
    after: [emptyReason("reset-disabled"), status],
  });
  onSubmit(form, status, async (values) => {
    const topic = fieldValue(values, "topic");
    const to = resetTarget(values);
    if (!(await confirmAction(`Reset the offsets of ${group.groupId} on ${topic}?`, "Reset offsets")))
      return "Not reset.";
    const offsets = await context.api.admin.resetOffsets(group.groupId, topic, to);
    return `Reset: ${offsets.map((o) => `p${o.partition} → ${o.offset}`).join(", ")}.`;
  });
  return form;
}

function resetTarget(values: FormData): ResetTarget {
  const to = fieldValue(values, "to");
  if (to === "offset") return { offset: Number(fieldValue(values, "offset")) };
  if (to === "time") {
    const timestamp = Date.parse(fieldValue(values, "time"));
    if (!Number.isFinite(timestamp)) throw new Error("choose a time");
    return { timestamp };
  }
  return to === "latest" ? "latest" : "earliest";
}

function deleteSection(context: ViewContext, groupId: string): HTMLElement {
  const status = statusLine();
  const button = h(
    "button",
    { type: "button", class: "danger", "data-needs-empty": "", "aria-describedby": "delete-disabled" },
    "Delete group",
  );
  button.addEventListener("click", async () => {
    if (!(await confirmAction(`Delete group ${groupId} and its committed offsets?`, "Delete group", groupId))) return;
    try {
      await context.api.admin.deleteGroup(groupId);
      context.notify(`Group ${groupId} deleted.`);
      location.hash = "#/groups";
    } catch (error) {
      status.className = "status error";
      status.textContent = errorText(error);
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "delete-group-title" },
    h("h2", { id: "delete-group-title" }, "Delete group"),
    h("p", null, "Only while the group has no members."),
    button,
    emptyReason("delete-disabled"),
    status,
  );
}
