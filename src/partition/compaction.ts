// Log compaction of one replica, in bounded steps from its alarm. The leader chooses a
// pass (its end offset, its time, deleteRetentionMs: cleaner.ts) by building the key
// map over the dirty section; once the ISR holds the pass it is committed, and every
// replica applies the committed passes in order, so all keep the same records (each
// merges small rows on its own: row-merge.ts). Applying a pass: build its key map, then
// clean every row below its end, each step at most STEP_ROWS rows and STEP_BYTES bytes
// in one transaction; the progress is in SQLite, so a restart resumes the pass
// (cleaning is idempotent).

import { invariant } from "../common/invariant.js";
import type { Limits } from "../protocol/limits.js";
import { isCompacted } from "../protocol/topic.js";
import {
  addLastOffsets,
  type CompactionPass,
  cleanRow,
  compactionDueAtMs,
  type DirtyState,
  dirtyRatio,
} from "./cleaner.js";
import { type CompactionProgress, CompactionStore, type NumberedPass } from "./compaction-store.js";
import type { PartitionLog } from "./partition-log.js";
import type { ReplicaRoles } from "./replica-roles.js";
import type { ReplicaConfig } from "./replica-types.js";
import { type CleanedStoredRow, mayMerge, planRewrites, type StoredRow } from "./row-merge.js";

/** One step's bounds: a step is one synchronous transaction, so they bound how long a
 * produce or fetch may wait behind it (the cleaner does 4 MiB in ~25-50 ms in Node). */
export const STEP_ROWS = 256;
export const STEP_BYTES = 2 * 1024 * 1024;
/** Distinct keys a pass's map holds; a pass ends where its map is full. */
export const MAX_PASS_KEYS = 100_000;
/** How long a leader waits to choose again after a choice found nothing to clean. */
const IDLE_RETRY_MS = 1_000;
/** Passes one push or pull carries; a follower further behind gets the rest next time. */
const PASSES_PER_SYNC = 16;

/** The leader's passes as a push or pull answer carries them to a follower. */
export interface CompactionSync {
  /** The uncommitted ones, and the committed ones after what the follower stores. */
  passes: NumberedPass[];
  committedSeq: number;
  lastSeq: number;
}

export interface CompactionHost {
  sql: SqlStorage;
  log(): PartitionLog;
  /** The assignment (config, leaderEpoch) and the leadership, whose replication
   * brings a chosen pass to the ISR and commits it. */
  roles: ReplicaRoles;
  writeSync<T>(write: () => T): T;
  nowMs(): number;
  /** Schedules the compaction task at `dueAtMs` (unless it is due earlier). */
  schedule(dueAtMs: number): Promise<void>;
  limits: Pick<Limits, "compactionPassesKept" | "maxMergedRowBytes">;
}

export interface CompactionMetrics {
  compactionPasses: number;
  compactionPassMs: number;
  compactionRecordsRemoved: number;
  compactionBytesRemoved: number;
  compactionRowsRewritten: number;
  dirtyRatio: number;
}

interface KeyMap {
  /** The pass it is for; 0 while the leader is still choosing one. */
  seq: number;
  /** Rows are read from here on. */
  scannedTo: number;
  lastOffsets: Map<string, number>;
  complete: boolean;
}

export class Compaction {
  // Set by restore(), which the replica's load() calls before any other use.
  private store!: CompactionStore;
  private progress!: CompactionProgress;
  private map: KeyMap | null = null;
  /** The leader's choice in progress: the time it uses. */
  private choosingAtMs: number | null = null;
  private idleUntilMs = 0;
  /** Stored bytes below the cleaning point, as of logStartOffset `cleanAt`; null: unknown. */
  private cleanBytes: number | null = null;
  private cleanAt = -1;
  /** The oldest dirty record's timestamp, as read at logEndOffset `oldestDirtyAt`;
   * undefined: not read since the last pass. */
  private oldestDirtyMs: number | null | undefined;
  private oldestDirtyAt = -1;
  private passStartedMs: number | null = null;
  /** The last pass stored, kept here: a leader's every push round asks. */
  private storedSeq = 0;
  readonly counters = {
    compactionPasses: 0,
    compactionPassMs: 0,
    compactionRecordsRemoved: 0,
    compactionBytesRemoved: 0,
    compactionRowsRewritten: 0,
  };

  constructor(private readonly host: CompactionHost) {}

  /** The state as storage holds it (a restart). */
  restore(): void {
    this.store = new CompactionStore(this.host.sql, this.host.limits.compactionPassesKept);
    this.progress = this.store.progress();
    this.storedSeq = this.store.lastSeq();
    this.choosingAtMs = null;
    this.forgetPass();
  }

  get state(): Readonly<CompactionProgress> {
    return this.progress;
  }

  /** The counters and, on a compacted topic, the dirty ratio (elsewhere 0: it would
   * cost a read of every row). */
  metrics(): CompactionMetrics {
    const config = this.config();
    const ratio = config && isCompacted(config) ? dirtyRatio(this.dirtyState()) : 0;
    return { ...this.counters, dirtyRatio: ratio };
  }

  /** One bounded step, from the alarm; schedules the next while work is left. */
  async step(): Promise<void> {
    const config = this.config();
    if (!config || !isCompacted(config)) return;
    const pass = this.nextPass();
    if (pass) {
      if (!this.holdsCommitted(pass)) return;
      this.applyStep(pass);
    } else if (this.leaderEpoch() !== null && this.storedSeq === this.progress.committedSeq) {
      this.chooseStep(config);
    }
    await this.scheduleNext();
  }

  /** The last pass this replica stores (applied, committed or not): what the leader
   * counts to commit a pass. */
  lastSeq(): number {
    return this.storedSeq;
  }

  /** Passes up to `seq` may be applied: the ISR holds them. */
  commit(seq: number): void {
    if (seq <= this.progress.committedSeq) return;
    invariant(this.storedSeq >= seq, `pass ${seq} committed before it is stored`);
    this.host.writeSync(() => this.save({ ...this.progress, committedSeq: seq }));
    this.scheduleSoon();
  }

  /** What the leader sends a follower known to store passes up to `knownSeq`. */
  syncFor(knownSeq: number | null): CompactionSync {
    const { committedSeq } = this.progress;
    if (this.storedSeq === 0) return { passes: [], committedSeq, lastSeq: 0 };
    const passes = this.store.passesAfter(Math.min(knownSeq ?? committedSeq, committedSeq), PASSES_PER_SYNC);
    return { passes, committedSeq, lastSeq: this.storedSeq };
  }

  /** A follower learns the leader's passes: it stores them in order (replacing
   * uncommitted ones a deposed leader chose), drops uncommitted ones the leader lacks,
   * and may apply what the leader committed. Returns the last pass it stores. */
  learn(sync: CompactionSync): number {
    const { committedSeq } = this.progress;
    const fresh = sync.passes.filter((p) => p.seq > committedSeq);
    const first = fresh[0];
    // A committed pass past a gap: the leader no longer keeps the passes in between.
    if (first && first.seq > this.expectedSeq() && first.seq <= sync.committedSeq) this.skipTo(first.seq);
    const differs = (p: NumberedPass) => this.store.passAt(p.seq)?.leaderEpoch !== p.leaderEpoch;
    const stale = this.storedSeq > Math.max(sync.lastSeq, committedSeq);
    if (!stale && !fresh.some(differs) && Math.min(sync.committedSeq, this.storedSeq) <= committedSeq) {
      return this.storedSeq;
    }
    this.host.writeSync(() => {
      if (stale) this.store.dropAfter(Math.max(sync.lastSeq, committedSeq));
      for (const pass of fresh) {
        if (pass.seq > this.expectedSeq()) break; // a gap: the leader resends from what this answers
        if (differs(pass)) this.store.savePass(pass, this.progress.appliedSeq);
      }
      const committable = Math.min(sync.committedSeq, this.store.lastSeq());
      if (committable > committedSeq) this.save({ ...this.progress, committedSeq: committable });
    });
    this.storedSeq = this.store.lastSeq();
    this.scheduleSoon();
    return this.storedSeq;
  }

  /** The seq of the next pass this replica can store. */
  private expectedSeq(): number {
    return Math.max(this.store.lastSeq(), this.progress.appliedSeq) + 1;
  }

  /** The leader no longer keeps the passes before `seq`: take pass `seq` next. Its key
   * map from this replica's own cleaning point covers the passes missed (they end no
   * earlier); only tombstones may stay longer here (ARCHITECTURE.md). */
  private skipTo(seq: number): void {
    this.host.writeSync(() => {
      this.store.dropAfter(0);
      this.save({ ...this.progress, committedSeq: seq - 1, appliedSeq: seq - 1, cursor: -1 });
    });
    this.storedSeq = 0;
    this.forgetPass();
  }

  /** What was worked out for the pass in progress and the dirty section it left. */
  private forgetPass(): void {
    this.map = null;
    this.cleanBytes = null;
    this.oldestDirtyMs = undefined;
  }

  /** New rows from the leader may complete what the next pass needs. */
  appended(): void {
    if (this.progress.appliedSeq < this.progress.committedSeq) this.scheduleSoon();
  }

  private scheduleSoon(): void {
    this.scheduleNext().catch((error: unknown) => console.warn(`compaction schedule: ${String(error)}`));
  }

  /** After an append, or a change of role or config: schedules what is due. */
  async scheduleNext(): Promise<void> {
    const config = this.config();
    if (!config || !isCompacted(config)) return;
    const now = this.host.nowMs();
    const pass = this.nextPass();
    if (pass) {
      if (this.holdsCommitted(pass)) await this.host.schedule(now);
      return;
    }
    if (this.leaderEpoch() === null) return;
    if (this.choosingAtMs !== null) return await this.host.schedule(now);
    if (this.storedSeq > this.progress.committedSeq) return; // replication commits it first
    const due = compactionDueAtMs(this.dirtyState(), config, now);
    if (due !== null) await this.host.schedule(Math.max(due, this.idleUntilMs));
  }

  /** Whether this replica's log holds the pass's rows as the leader's: below its own
   * highWatermark, which it only raises over a prefix of the leader's log (a suffix a
   * deposed leader wrote, not yet truncated, lies above it). */
  private holdsCommitted(pass: NumberedPass): boolean {
    return this.host.log().state.highWatermark >= pass.endOffset;
  }

  /** The committed pass this replica applies next, if any. */
  private nextPass(): NumberedPass | null {
    if (this.progress.appliedSeq >= this.progress.committedSeq) return null;
    const pass = this.store.passesAfter(this.progress.appliedSeq, 1)[0];
    invariant(pass && pass.seq === this.progress.appliedSeq + 1, `pass ${this.progress.appliedSeq + 1} is stored`);
    return pass;
  }

  /** The leader's choice: the key map over committed rows old enough, from the cleaning
   * point; where it stops is the pass's end. */
  private chooseStep(config: ReplicaConfig): void {
    const log = this.host.log();
    if (this.choosingAtMs === null) {
      this.choosingAtMs = this.host.nowMs();
      this.map = this.newMap(0);
    }
    const map = this.map!;
    const nowMs = this.choosingAtMs;
    const { highWatermark } = log.state;
    const rows = this.store.rows(map.scannedTo, highWatermark, STEP_ROWS, STEP_BYTES);
    // Rows are dense in offsets: the scan is over once it reaches the highWatermark.
    let stopped = (rows.at(-1)?.lastOffset ?? highWatermark) + 1 >= highWatermark;
    for (const row of rows) {
      const young = row.maxTimestamp > nowMs - config.minCompactionLagMs;
      if (row.lastOffset >= highWatermark || young || map.lastOffsets.size >= MAX_PASS_KEYS) {
        stopped = true;
        break;
      }
      addLastOffsets(map.lastOffsets, row, row.lastOffset + 1);
      map.scannedTo = row.lastOffset + 1;
    }
    if (!stopped) return;
    this.choosingAtMs = null;
    const state = this.dirtyState();
    const expired = state.nextDeleteHorizonMs >= 0 && nowMs > state.nextDeleteHorizonMs;
    if (map.scannedTo === this.progress.cleanedUpTo && !expired) {
      this.map = null;
      this.idleUntilMs = nowMs + Math.max(config.minCompactionLagMs, IDLE_RETRY_MS);
      return;
    }
    this.choose({ endOffset: map.scannedTo, nowMs, deleteRetentionMs: config.deleteRetentionMs }, map);
  }

  private choose(pass: CompactionPass, map: KeyMap): void {
    const seq = Math.max(this.store.lastSeq(), this.progress.appliedSeq) + 1;
    const chosen: NumberedPass = { ...pass, seq, leaderEpoch: this.leaderEpoch()! };
    this.host.writeSync(() => this.store.savePass(chosen, this.progress.appliedSeq));
    this.storedSeq = seq;
    this.map = { ...map, seq, complete: true };
    this.host.roles.leadership?.kick();
  }

  /** One step of applying `pass`: its key map first, then the rows below its end. */
  private applyStep(pass: NumberedPass): void {
    if (this.map?.seq !== pass.seq) this.map = this.newMap(pass.seq);
    const map = this.map;
    if (!map.complete) {
      const rows = this.store.rows(map.scannedTo, pass.endOffset, STEP_ROWS, STEP_BYTES);
      for (const row of rows) addLastOffsets(map.lastOffsets, row, pass.endOffset);
      const last = rows.at(-1);
      map.scannedTo = last ? last.lastOffset + 1 : pass.endOffset;
      map.complete = map.scannedTo >= pass.endOffset;
      return;
    }
    this.passStartedMs ??= this.host.nowMs();
    const from = Math.max(this.progress.cursor, 0);
    const rows = this.store.rows(from, pass.endOffset, STEP_ROWS, STEP_BYTES);
    this.host.writeSync(() => this.cleanRows(pass, rows, map, from));
  }

  private cleanRows(pass: NumberedPass, rows: StoredRow[], map: KeyMap, from: number): void {
    let horizon = from === 0 ? -1 : this.progress.nextDeleteHorizonMs;
    const log = this.host.log();
    const cleanedRows: CleanedStoredRow[] = [];
    for (const row of rows) {
      const cleaned = cleanRow(row, map.lastOffsets, pass);
      if (cleaned.deleteHorizonMs >= 0)
        horizon = horizon < 0 ? cleaned.deleteHorizonMs : Math.min(horizon, cleaned.deleteHorizonMs);
      this.counters.compactionRecordsRemoved += cleaned.recordsRemoved;
      this.counters.compactionBytesRemoved += cleaned.bytesRemoved;
      cleanedRows.push({
        row,
        cleaned,
        mergeable: mayMerge(row, cleaned, pass.endOffset, (id, base) => log.producers.remembers(id, base)),
      });
    }
    const rewrites = planRewrites(cleanedRows, this.host.limits.maxMergedRowBytes);
    const { rowsWritten, bytesDelta } = this.store.rewriteRows(rewrites);
    if (rowsWritten > 0) log.rowsRewritten(bytesDelta);
    this.counters.compactionRowsRewritten += rowsWritten;
    const last = rows.at(-1);
    const done = !last || last.lastOffset + 1 >= pass.endOffset;
    if (!done) {
      this.save({ ...this.progress, cursor: last.lastOffset + 1, nextDeleteHorizonMs: horizon });
      return;
    }
    this.save({
      ...this.progress,
      appliedSeq: pass.seq,
      cleanedUpTo: Math.max(pass.endOffset, this.progress.cleanedUpTo),
      cursor: -1,
      nextDeleteHorizonMs: horizon,
    });
    this.forgetPass();
    this.counters.compactionPasses++;
    this.counters.compactionPassMs += this.host.nowMs() - (this.passStartedMs ?? this.host.nowMs());
    this.passStartedMs = null;
  }

  private config(): ReplicaConfig | null {
    return this.host.roles.current?.config ?? null;
  }

  /** The leaderEpoch while this replica leads, else null. */
  private leaderEpoch(): number | null {
    return this.host.roles.leadership ? (this.host.roles.current?.state.leaderEpoch ?? null) : null;
  }

  private newMap(seq: number): KeyMap {
    return { seq, scannedTo: this.progress.cleanedUpTo, lastOffsets: new Map(), complete: false };
  }

  private save(progress: CompactionProgress): void {
    this.store.saveProgress(progress);
    this.progress = progress;
  }

  /** The dirty section's bytes and age, read from storage once per pass and per
   * retention run, then kept from the log's own size. */
  private dirtyState(): DirtyState {
    const log = this.host.log();
    const { logStartOffset } = log.state;
    if (this.cleanBytes === null || this.cleanAt !== logStartOffset) {
      this.cleanBytes = log.sizeBytes - this.store.bytesFrom(this.progress.cleanedUpTo);
      this.cleanAt = logStartOffset;
    }
    const dirtyBytes = Math.max(0, log.sizeBytes - this.cleanBytes);
    // Read again only once the log grew past where a read found no dirty record.
    const { logEndOffset } = log.state;
    if (this.oldestDirtyMs === undefined || (this.oldestDirtyMs === null && this.oldestDirtyAt !== logEndOffset)) {
      this.oldestDirtyMs = this.store.firstRowTimestamp(this.progress.cleanedUpTo);
      this.oldestDirtyAt = logEndOffset;
    }
    return {
      dirtyBytes,
      totalBytes: log.sizeBytes,
      oldestDirtyTimestampMs: dirtyBytes > 0 ? this.oldestDirtyMs : null,
      nextDeleteHorizonMs: this.progress.nextDeleteHorizonMs,
    };
  }
}
