// The list of groups for GET /v1/groups. Coordinators register when their group
// comes to exist (first join or offset reset) and unregister when it is deleted, so
// listing costs one call rather than one per group. It holds nothing else.

import { DurableObject } from "cloudflare:workers";

/** GET /v1/groups answers at most this many ids, in order. */
const MAX_LISTED_GROUPS = 10_000;

export class GroupDirectory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS groups (group_id TEXT PRIMARY KEY)");
  }

  register(groupId: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO groups (group_id) VALUES (?)", groupId);
  }

  unregister(groupId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM groups WHERE group_id = ?", groupId);
  }

  list(): string[] {
    return this.ctx.storage.sql
      .exec<{ group_id: string }>("SELECT group_id FROM groups ORDER BY group_id LIMIT ?", MAX_LISTED_GROUPS)
      .toArray()
      .map((r) => r.group_id);
  }
}
