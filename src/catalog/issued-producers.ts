// The producerIds the catalog issued (Kafka InitProducerId), each with its current
// epoch and the principal it was issued to. The catalog is the only authority on
// them: routers cache what it answers, and partitions see only batches that a router
// checked against it (see src/router/producer-ids.ts).

import { invariant } from "../common/invariant.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";

/** Whom a producerId was issued to: "root", tokenOwner(id), or null when auth is off.
 * As a caller, null means auth is off, so no binding is checked. */
export type ProducerOwner = string | null;

export interface IssuedProducer {
  producerEpoch: number;
  owner: ProducerOwner;
}

export type Issued = Result<{ producerId: number; producerEpoch: number; owner: ProducerOwner }>;

/** A random id is taken at most this many times in a row before issuing fails. */
const MAX_ALLOCATION_ATTEMPTS = 8;

export function tokenOwner(tokenId: string): string {
  return `token:${tokenId}`;
}

/** Whether `caller` may use a producerId issued as `issued`: with auth on, only the
 * principal it was issued to; an id issued while auth was off belongs to nobody then. */
export function usableBy(issued: IssuedProducer | null, caller: ProducerOwner): issued is IssuedProducer {
  return issued !== null && (caller === null || issued.owner === caller);
}

/** The same answer for an id never issued and one issued to someone else, so that a
 * caller learns nothing of other principals' producers. */
export function unknownProducer(producerId: number): ErrorData {
  return {
    code: "UNKNOWN_PRODUCER_ID",
    message: `producerId ${producerId} was not issued to this caller; get one from POST /v1/producers`,
  };
}

export class IssuedProducers {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS producers (producer_id INTEGER PRIMARY KEY, producer_epoch INTEGER NOT NULL, owner TEXT)",
    );
    addOwnerColumn(sql);
  }

  /** A new producerId at epoch 0, bound to `owner`. */
  issue(owner: ProducerOwner): Issued {
    for (let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
      const producerId = 1 + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1));
      if (this.lookup(producerId)) continue;
      this.sql.exec("INSERT INTO producers (producer_id, producer_epoch, owner) VALUES (?, 0, ?)", producerId, owner);
      return { ok: true, producerId, producerEpoch: 0, owner };
    }
    return failure("INTERNAL_ERROR", "could not allocate a producerId");
  }

  /** The next epoch of the caller's producer, which fences every older instance. Only
   * the current epoch may bump, so two instances racing to bump get one new epoch. */
  bump(producerId: number, producerEpoch: number, caller: ProducerOwner): Issued {
    const issued = this.lookup(producerId);
    if (!usableBy(issued, caller)) return { ok: false, error: unknownProducer(producerId) };
    if (producerEpoch !== issued.producerEpoch) {
      return failure(
        "INVALID_PRODUCER_EPOCH",
        `producerEpoch ${producerEpoch} is not the current ${issued.producerEpoch}`,
      );
    }
    const next = issued.producerEpoch + 1;
    invariant(Number.isSafeInteger(next), "producerEpoch stays a safe integer");
    this.sql.exec("UPDATE producers SET producer_epoch = ? WHERE producer_id = ?", next, producerId);
    return { ok: true, producerId, producerEpoch: next, owner: issued.owner };
  }

  lookup(producerId: number): IssuedProducer | null {
    const row = this.sql
      .exec<{ producer_epoch: number; owner: string | null }>(
        "SELECT producer_epoch, owner FROM producers WHERE producer_id = ?",
        producerId,
      )
      .toArray()[0];
    return row ? { producerEpoch: row.producer_epoch, owner: row.owner } : null;
  }

  /** A revoked token's producers go with it. */
  forgetOwner(owner: string): void {
    this.sql.exec("DELETE FROM producers WHERE owner = ?", owner);
  }
}

/** Catalogs made before producerIds were bound to principals lack the owner column;
 * their ids get a null owner, which no principal matches while auth is on. */
function addOwnerColumn(sql: SqlStorage): void {
  const columns = sql
    .exec<{ name: string }>("PRAGMA table_info(producers)")
    .toArray()
    .map((c) => c.name);
  if (!columns.includes("owner")) sql.exec("ALTER TABLE producers ADD COLUMN owner TEXT");
}
