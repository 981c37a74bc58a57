// Consumer groups: each with its state, members and total lag.

import { mapBounded } from "../../common/bounded-map.js";
import { count, h, link, mount, table } from "../dom.js";
import { heading, jumpForm, load, type View } from "../view.js";

const REFRESH_MS = 5_000;
const PARALLEL_DESCRIBES = 6;
const MAX_DESCRIBED_GROUPS = 200;

export const groupsView: View = async (context) => {
  const list = h("div", null, h("p", { class: "loading" }, "Loading…"));
  mount(context.main, heading("Consumer groups", jumpForm("Open a group by name", "#/groups/", "group id")), list);
  context.every(REFRESH_MS, () =>
    load(context, list, async () => {
      const ids = (await context.api.admin.listGroups()).sort();
      const groups = await mapBounded(ids.slice(0, MAX_DESCRIBED_GROUPS), PARALLEL_DESCRIBES, (id) =>
        context.api.admin.describeGroup(id),
      );
      const rows = groups.map((g) => [
        link(`#/groups/${encodeURIComponent(g.groupId)}`, g.groupId),
        h("span", { class: `badge ${g.state === "Stable" ? "ok" : g.state === "Empty" ? "" : "warn"}` }, g.state),
        count(g.members.length),
        count(g.lag),
      ]);
      return [
        table(
          "Consumer groups",
          ["Group", "State", "Members", "Lag"],
          rows,
          "No consumer groups yet. A group appears when a consumer first joins or commits.",
        ),
        ids.length > MAX_DESCRIBED_GROUPS
          ? h("p", null, `Showing the first ${MAX_DESCRIBED_GROUPS} of ${ids.length}.`)
          : [],
      ].flat();
    }),
  );
};
