// A DO has one alarm: due tasks live in a table and the alarm is set to the earliest.

const MIN_ALARM_DELAY_MS = 5;

export class AlarmTasks<Name extends string> {
  /** `sql` is the object's own (possibly counting) handle on `storage`'s database. */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly sql: SqlStorage,
    private readonly names: readonly Name[],
  ) {
    sql.exec("CREATE TABLE IF NOT EXISTS alarm_tasks (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
  }

  dueAt(name: Name): number | null {
    const row = this.storage.sql
      .exec<{ due_at: number }>("SELECT due_at FROM alarm_tasks WHERE name = ?", name)
      .toArray()[0];
    return row ? row.due_at : null;
  }

  /** Schedules `name` at `dueAtMs` unless it is already due earlier. */
  async schedule(name: Name, dueAtMs: number): Promise<void> {
    const current = this.dueAt(name);
    if (current !== null && current <= dueAtMs) return;
    this.sql.exec(
      "INSERT INTO alarm_tasks (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at",
      name,
      dueAtMs,
    );
    await this.arm();
  }

  /** Removes and returns the tasks due by `nowMs`, in due order. */
  takeDue(nowMs: number): Name[] {
    const due = this.storage.sql
      .exec<{ name: string }>("SELECT name FROM alarm_tasks WHERE due_at <= ? ORDER BY due_at", nowMs)
      .toArray()
      .map((r) => r.name)
      .filter((n): n is Name => (this.names as readonly string[]).includes(n));
    this.sql.exec("DELETE FROM alarm_tasks WHERE due_at <= ?", nowMs);
    return due;
  }

  /** Sets the alarm to the earliest task, or clears it when none is left. Never at or
   * before now: workerd may drop or stall an alarm re-armed to a past time from within
   * alarm() (workerd issue #6866), which would silently stop every task. */
  async arm(): Promise<void> {
    const next = this.sql.exec<{ due: number | null }>("SELECT MIN(due_at) AS due FROM alarm_tasks").one().due;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(Math.max(next, Date.now() + MIN_ALARM_DELAY_MS));
  }
}
