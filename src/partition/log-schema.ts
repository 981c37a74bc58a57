// The SQLite tables of a partition log, and the columns later versions added to them.

export function createLogSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS batches (
    base_offset INTEGER PRIMARY KEY,
    last_offset INTEGER NOT NULL,
    leader_epoch INTEGER NOT NULL,
    max_timestamp REAL NOT NULL,
    size_bytes INTEGER NOT NULL,
    payload BLOB NOT NULL,
    producer_id INTEGER,
    producer_epoch INTEGER,
    base_sequence INTEGER)`);
  // Logs stored before idempotent producers existed lack the producer columns.
  addMissingColumns(sql, "batches", ["producer_id INTEGER", "producer_epoch INTEGER", "base_sequence INTEGER"]);
  sql.exec(`CREATE TABLE IF NOT EXISTS log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    log_start_offset INTEGER NOT NULL,
    high_watermark INTEGER NOT NULL DEFAULT 0,
    pending_log_start_offset INTEGER NOT NULL DEFAULT 0)`);
  // Logs stored before followers applied retention lack the pending logStartOffset;
  // 0 is below any logStartOffset, so it holds nothing back.
  addMissingColumns(sql, "log_state", ["pending_log_start_offset INTEGER NOT NULL DEFAULT 0"]);
  sql.exec(
    "CREATE TABLE IF NOT EXISTS leader_epochs (leader_epoch INTEGER PRIMARY KEY, start_offset INTEGER NOT NULL)",
  );
}

/** Adds each of `columns` ("name TYPE ...") that `table` lacks. */
function addMissingColumns(sql: SqlStorage, table: string, columns: readonly string[]): void {
  const present = new Set(
    sql
      .exec<{ name: string }>(`PRAGMA table_info(${table})`)
      .toArray()
      .map((c) => c.name),
  );
  for (const column of columns) {
    if (!present.has(column.split(" ")[0]!)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
  }
}
