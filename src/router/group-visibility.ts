// What a group answer may show its caller. A group scope does not reach the group's
// topics: as Kafka's OffsetFetch and DescribeGroups need Describe on each topic, the
// topics the caller may not consume are left out of every committed offset, lag,
// subscription and assignment it is shown.

import type { Assignment, CommittedOffset, GroupDescription } from "../protocol/group.js";
import { mayAccess } from "./authorization.js";
import type { AppContext } from "./context.js";

type Visible = (topic: string) => boolean;

function visibility(c: AppContext): Visible {
  return (topic) => mayAccess(c, { kind: "consume", topic });
}

export function visibleOffsets<T extends CommittedOffset>(c: AppContext, offsets: readonly T[]): T[] {
  const visible = visibility(c);
  return offsets.filter((o) => visible(o.topic));
}

export function visibleDescription(c: AppContext, description: GroupDescription): GroupDescription {
  const visible = visibility(c);
  const pick = (assignment: Assignment): Assignment =>
    Object.fromEntries(Object.entries(assignment).filter(([topic]) => visible(topic)));
  return {
    ...description,
    members: description.members.map((m) => ({
      ...m,
      topics: m.topics.filter(visible),
      assignment: pick(m.assignment),
      partitionsPendingRevocation: pick(m.partitionsPendingRevocation),
      targetAssignment: pick(m.targetAssignment),
    })),
  };
}
