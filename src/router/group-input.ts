import { refuse } from "../protocol/errors.js";
import { checkGroupId } from "../protocol/group.js";
import type { Limits } from "../protocol/limits.js";
import { checkTopicName } from "../protocol/topic.js";
import type { AppContext } from "./context.js";

/** The {group} path parameter: a valid group id, or INVALID_REQUEST. */
export function groupParam(c: AppContext): string {
  const groupId = c.req.param("group") ?? "";
  refuse(checkGroupId(groupId, c.get("limits")));
  return groupId;
}

export function checkTopicNames(topics: Iterable<string>, limits: Limits): void {
  for (const topic of topics) refuse(checkTopicName(topic, limits));
}
