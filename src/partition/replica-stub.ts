import type { TopicConfig } from "../protocol/topic.js";

/** Replica DOs are named `<topicId>/<partition>/<replica>`: the random topicId keeps a
 * re-created topic away from a deleted one's data. A topic's jurisdiction confines
 * its replicas; its placement hints where each one lives (round-robin). */
export function replicaStub(
  env: Env,
  topicId: string,
  config: Pick<TopicConfig, "jurisdiction" | "placement">,
  partition: number,
  replica: number,
) {
  const namespace = config.jurisdiction ? env.REPLICA.jurisdiction(config.jurisdiction) : env.REPLICA;
  const id = namespace.idFromName(`${topicId}/${partition}/${replica}`);
  const locationHint = config.placement.length > 0 ? config.placement[replica % config.placement.length] : undefined;
  return locationHint ? namespace.get(id, { locationHint }) : namespace.get(id);
}

/** Whether this runtime can confine Durable Objects to `jurisdiction`: Cloudflare can,
 * local workerd cannot, and a topic must never silently lose its data residency. */
export function jurisdictionSupported(env: Env, jurisdiction: string): boolean {
  try {
    env.REPLICA.jurisdiction(jurisdiction as DurableObjectJurisdiction);
    return true;
  } catch {
    return false;
  }
}
