// The stream head's SQLite tables: one row for the stream, one per idempotent producer.

import { invariant } from "../common/invariant.js";
import type { ProducerRecord } from "./producer-check.js";
import type { StreamSettings, StreamState } from "./stream-settings.js";

type StreamRow = {
  topic: string;
  topic_id: string;
  content_type: string;
  ttl_seconds: number | null;
  expires_at_ms: number | null;
  closed: number;
  tail_offset: number;
  last_stream_seq: string | null;
  touched_at_ms: number;
};

export class HeadStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS stream (
      id INTEGER PRIMARY KEY CHECK (id = 0), topic TEXT NOT NULL, topic_id TEXT NOT NULL,
      content_type TEXT NOT NULL, ttl_seconds INTEGER, expires_at_ms INTEGER, closed INTEGER NOT NULL,
      tail_offset INTEGER NOT NULL, last_stream_seq TEXT, touched_at_ms INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS producers (
      producer TEXT PRIMARY KEY, epoch INTEGER NOT NULL, last_seq INTEGER NOT NULL)`);
  }

  state(): StreamState | null {
    const row = this.row();
    if (!row) return null;
    const ttlDeadline = row.ttl_seconds === null ? null : row.touched_at_ms + row.ttl_seconds * 1000;
    const deadlines = [ttlDeadline, row.expires_at_ms].filter((d): d is number => d !== null);
    return {
      topic: row.topic,
      topicId: row.topic_id,
      contentType: row.content_type,
      ttlSeconds: row.ttl_seconds,
      expiresAtMs: row.expires_at_ms,
      closed: row.closed === 1,
      tailOffset: row.tail_offset,
      deadlineMs: deadlines.length > 0 ? Math.min(...deadlines) : null,
    };
  }

  lastStreamSeq(): string | null {
    return this.row()?.last_stream_seq ?? null;
  }

  create(topic: string, topicId: string, settings: StreamSettings, nowMs: number): void {
    this.sql.exec("DELETE FROM producers");
    this.sql.exec(
      `INSERT OR REPLACE INTO stream (id, topic, topic_id, content_type, ttl_seconds, expires_at_ms, closed,
       tail_offset, last_stream_seq, touched_at_ms) VALUES (0, ?, ?, ?, ?, ?, 0, 0, NULL, ?)`,
      topic,
      topicId,
      settings.contentType,
      settings.ttlSeconds,
      settings.expiresAtMs,
      nowMs,
    );
  }

  /** An acknowledged append (or a close): the tail only grows, a closed stream stays closed. */
  advance(tailOffset: number, close: boolean, streamSeq: string | null): void {
    const row = this.row();
    invariant(row !== undefined, "a stream advances only once created");
    invariant(tailOffset >= row.tail_offset, "a stream's tail offset never decreases");
    invariant(row.closed === 0 || (tailOffset === row.tail_offset && close), "a closed stream takes no appends");
    this.sql.exec(
      "UPDATE stream SET tail_offset = ?, closed = ?, last_stream_seq = COALESCE(?, last_stream_seq)",
      tailOffset,
      close || row.closed === 1 ? 1 : 0,
      streamSeq,
    );
  }

  touch(nowMs: number): void {
    this.sql.exec("UPDATE stream SET touched_at_ms = ?", nowMs);
  }

  producer(id: string): ProducerRecord | null {
    const row = this.sql
      .exec<{ epoch: number; last_seq: number }>("SELECT epoch, last_seq FROM producers WHERE producer = ?", id)
      .toArray()[0];
    return row ? { epoch: row.epoch, lastSeq: row.last_seq } : null;
  }

  recordProducer(id: string, record: ProducerRecord): void {
    const before = this.producer(id);
    invariant(!before || record.epoch >= before.epoch, "a producer's epoch never decreases");
    this.sql.exec(
      "INSERT OR REPLACE INTO producers (producer, epoch, last_seq) VALUES (?, ?, ?)",
      id,
      record.epoch,
      record.lastSeq,
    );
  }

  remove(): void {
    this.sql.exec("DELETE FROM stream");
    this.sql.exec("DELETE FROM producers");
  }

  private row(): StreamRow | undefined {
    return this.sql.exec<StreamRow>("SELECT * FROM stream WHERE id = 0").toArray()[0];
  }
}
