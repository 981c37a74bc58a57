// The first page: is the cluster up, how much does it hold, is anything unhealthy.

import { bytes, count, h, link, mount } from "../dom.js";
import { sumKnown, type TopicSummary, topicSummaries } from "../topic-summary.js";
import { heading, load, type View } from "../view.js";

const REFRESH_MS = 5_000;

export const overviewView: View = async (context) => {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  mount(context.main, heading("Cluster"), body);
  context.every(REFRESH_MS, () =>
    load(context, body, async () => {
      const [health, { summaries, total }, groups] = await Promise.all([
        context.api.health(),
        topicSummaries(context.api.admin),
        // Listing groups takes the admin scope; a token without it still sees the rest.
        context.api.admin.listGroups().catch(() => null),
      ]);
      const sum = (pick: (s: TopicSummary) => number) => sumKnown(summaries.map(pick));
      const underReplicated = sum((s) => s.underReplicated);
      const offline = sum((s) => s.offline);
      const stats: [string, string, string?][] = [
        ["Status", `${health.status} · v${health.version}`],
        ["Topics", count(total)],
        ["Partitions", count(sum((s) => s.partitions))],
        ["Records", count(sum((s) => s.records))],
        ["Stored", bytes(sum((s) => s.sizeBytes))],
        ["Consumer groups", groups ? count(groups.length) : "?"],
        ["Under-replicated partitions", count(underReplicated), underReplicated > 0 ? "warn" : ""],
        ["Offline partitions", count(offline), offline > 0 ? "bad" : ""],
      ];
      return [
        h(
          "dl",
          { class: "stats" },
          stats.map(([label, value, tone]) =>
            h("div", { class: `stat ${tone ?? ""}` }, h("dt", null, label), h("dd", null, value)),
          ),
        ),
        total === 0
          ? firstSteps()
          : h("p", null, link("#/topics", "All topics →"), " ", link("#/groups", "Consumer groups →")),
      ];
    }),
  );
};

function firstSteps(): HTMLElement {
  const origin = location.origin;
  return h(
    "section",
    { class: "empty-state" },
    h("h2", null, "No topics yet"),
    h("p", null, "Create one here, or from a terminal:"),
    h(
      "pre",
      null,
      `curl -s -X POST ${origin}/v1/topics -H 'content-type: application/json' \\\n  -d '{"name":"orders","partitions":3}'`,
    ),
    h("p", null, h("a", { href: "#/topics", class: "button" }, "Create a topic")),
  );
}
