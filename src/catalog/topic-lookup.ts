import { controllerStub } from "../controller/controller-stub.js";
import type { Result } from "../protocol/errors.js";
import type { TopicMetadata } from "../protocol/topic.js";
import { catalogStub } from "./catalog-stub.js";

/** A topic's metadata now: its topicId from the catalog, the rest from its controller. */
export async function lookupTopicMetadata(env: Env, name: string): Promise<Result<{ metadata: TopicMetadata }>> {
  const found = await catalogStub(env).lookup(name);
  return found.ok ? await controllerStub(env, found.topicId).metadata() : found;
}
