// The leader's retention runs, from the replica's alarm. Only the leader runs them: a
// run chooses the new logStartOffset (retention.ts) and replication commits it once the
// ISR holds it (leader-replication.ts); followers delete what it committed, so every
// replica's storage shrinks alike.

import type { AlarmTasks } from "../common/alarm-tasks.js";
import type { PartitionLog } from "./partition-log.js";
import type { ReplicaRoles } from "./replica-roles.js";
import type { ReplicaConfig } from "./replica-types.js";
import type { Retention } from "./retention.js";

export interface RetentionHost {
  log(): PartitionLog;
  tasks(): AlarmTasks<"retention" | "catch-up" | "compaction">;
  roles: ReplicaRoles;
  writeSync<T>(write: () => T): T;
  nowMs(): number;
}

export class RetentionRuns {
  /** When the scheduled run is due (the task's time), null when none is. */
  private dueAtMs: number | null = null;

  constructor(
    private readonly retention: Retention,
    private readonly host: RetentionHost,
  ) {}

  /** The schedule as storage holds it (a restart). */
  restore(): void {
    this.dueAtMs = this.host.tasks().dueAt("retention");
  }

  run(config: ReplicaConfig): void {
    const leadership = this.host.roles.leadership;
    if (!leadership) return;
    const chosen = this.retention.chooseLogStartOffset(this.host.log(), config);
    if (this.host.writeSync(() => this.host.log().holdLogStartOffset(chosen))) leadership.kick();
  }

  /** After an append: a first batch or a log over its size has a run to schedule. */
  async appended(config: ReplicaConfig): Promise<void> {
    if (this.dueAtMs === null || this.host.log().sizeBytes > this.retention.maxLogBytes(config)) {
      await this.schedule();
    }
  }

  /** Forgets the schedule and makes it anew (a new assignment, after an alarm). */
  async reschedule(): Promise<void> {
    this.dueAtMs = null;
    await this.schedule();
  }

  /** Schedules the leader's next run. While a pending logStartOffset waits for the ISR
   * there is none: committing it schedules the next. */
  async schedule(): Promise<void> {
    const config = this.host.roles.current?.config;
    const log = this.host.log();
    if (!config || !this.host.roles.leadership) return;
    if (log.pendingLogStartOffset > log.state.logStartOffset) return;
    const due = this.retention.nextRunAtMs(log, config, this.host.nowMs());
    if (due === null) return;
    const tasks = this.host.tasks();
    await tasks.schedule("retention", due);
    this.dueAtMs = tasks.dueAt("retention");
  }
}
