import { refuse } from "../protocol/errors.js";
import { checkGroupId } from "../protocol/group.js";
import { checkTopicName } from "../protocol/topic.js";
import { authorize } from "./authorization.js";
import type { AppContext } from "./context.js";

/** The {group} path parameter: a valid group id, or INVALID_REQUEST. */
export function groupParam(c: AppContext): string {
  const groupId = c.req.param("group") ?? "";
  refuse(checkGroupId(groupId, c.get("limits")));
  return groupId;
}

/** Topics a group call reads or commits for: valid names the caller may consume
 * (Kafka asks READ on the topic as well as on the group). */
export function checkConsumable(c: AppContext, topics: Iterable<string>): void {
  for (const topic of topics) {
    refuse(checkTopicName(topic, c.get("limits")));
    authorize(c, { kind: "consume", topic });
  }
}
