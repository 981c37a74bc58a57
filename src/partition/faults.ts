// Fault injection for the chaos tests (EDGELOG_FAULTS=1 only). Kept in SQLite so that
// a fault outlives the object's eviction, as a real outage would.

import { sleep } from "../common/timeout.js";
import type { Fault } from "./replica-types.js";

/** Delay a slowed replica adds to every call it answers or makes. */
const SLOW_MS = 400;

export type Caller = "router" | "peer";

export class Faults {
  private fault: Exclude<Fault, "heal"> | null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS replica_fault (id INTEGER PRIMARY KEY CHECK (id = 1), fault TEXT NOT NULL)");
    const row = sql.exec<{ fault: string }>("SELECT fault FROM replica_fault").toArray()[0];
    this.fault = (row?.fault as Exclude<Fault, "heal"> | undefined) ?? null;
  }

  get current(): string | null {
    return this.fault;
  }

  get crashed(): boolean {
    return this.fault === "crash";
  }

  set(fault: Fault): void {
    this.fault = fault === "heal" ? null : fault;
    if (this.fault) {
      this.sql.exec(
        "INSERT INTO replica_fault (id, fault) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET fault = excluded.fault",
        this.fault,
      );
    } else this.sql.exec("DELETE FROM replica_fault");
  }

  /** Before answering a call: a crashed replica answers nobody, a partitioned one only
   * routers (the other objects cannot reach it), a slow one answers late. */
  async gate(caller: Caller): Promise<void> {
    if (this.fault === "crash") throw new Error("replica is down (injected crash)");
    if (this.fault === "partition" && caller === "peer") throw new Error("replica is unreachable (injected partition)");
    if (this.fault === "slow") await sleep(SLOW_MS);
  }

  /** Before calling another object: a partitioned replica cannot reach it. */
  async outgoing(): Promise<void> {
    if (this.fault === "crash" || this.fault === "partition") throw new Error("peer is unreachable (injected fault)");
    if (this.fault === "slow") await sleep(SLOW_MS);
  }
}
