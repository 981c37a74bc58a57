// Follower fetch: which in-sync replica serves a caller, from the replicas' location
// hints and the caller's region (request.cf.continent, or x-edgelog-region in tests).

import type { LocationHint, PartitionState, TopicConfig } from "../protocol/topic.js";

/** Location hints by Cloudflare continent code, nearest first. */
const HINTS_BY_CONTINENT: Record<string, LocationHint[]> = {
  NA: ["enam", "wnam", "sam", "weur"],
  SA: ["sam", "enam", "wnam", "afr"],
  EU: ["weur", "eeur", "me", "afr"],
  AF: ["afr", "me", "weur", "eeur"],
  AS: ["apac", "me", "oc", "eeur"],
  OC: ["oc", "apac", "wnam", "sam"],
  AN: ["oc", "sam", "afr", "apac"],
};

/** `region`: a location hint or a continent code. */
export function nearestInSyncReplica(
  config: Pick<TopicConfig, "placement">,
  state: PartitionState,
  region: string,
): number {
  if (config.placement.length === 0) return state.leader;
  const wanted: string[] = HINTS_BY_CONTINENT[region.toUpperCase()] ?? [region.toLowerCase()];
  const hintOf = (replica: number) => config.placement[replica % config.placement.length]!;
  for (const hint of wanted) {
    const near = state.isr.filter((r) => hintOf(r) === hint);
    if (near.includes(state.leader)) return state.leader;
    if (near.length > 0) return near[0]!;
  }
  return state.leader;
}

/** The caller's region: the test header, else Cloudflare's continent of the request. */
export function callerRegion(request: Request): string | null {
  const header = request.headers.get("x-edgelog-region");
  if (header) return header;
  const cf = (request as Request & { cf?: { continent?: string } }).cf;
  return cf?.continent ?? null;
}
