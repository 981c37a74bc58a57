// Scoped tokens, kept in the catalog's SQLite as salted SHA-256 hashes: a token is
// shown once when made and stored nowhere, so the catalog can check one but never
// give it back.

import { failure, type Result } from "../protocol/errors.js";

export interface TokenListing {
  id: string;
  name: string;
  scopes: string[];
  createdAt: number;
}

/** What a router needs to check a presented token. */
export interface TokenRecord {
  salt: string;
  hash: string;
  scopes: string[];
}

export class Tokens {
  constructor(
    private readonly sql: SqlStorage,
    private readonly maxTokens: number,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS tokens (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL, salt TEXT NOT NULL,
      hash TEXT NOT NULL, created_at INTEGER NOT NULL)`);
  }

  async create(name: string, scopes: string[], nowMs: number): Promise<Result<{ id: string; token: string }>> {
    const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tokens").one().n;
    if (count >= this.maxTokens) return failure("INVALID_REQUEST", `at most ${this.maxTokens} tokens`);
    const id = randomHex(8);
    const secret = randomHex(24);
    const salt = randomHex(16);
    this.sql.exec(
      "INSERT INTO tokens (id, name, scopes, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      name,
      JSON.stringify(scopes),
      salt,
      await saltedHash(salt, secret),
      nowMs,
    );
    return { ok: true, id, token: `elg_${id}_${secret}` };
  }

  list(): TokenListing[] {
    return this.sql
      .exec<{ id: string; name: string; scopes: string; created_at: number }>(
        "SELECT id, name, scopes, created_at FROM tokens ORDER BY created_at",
      )
      .toArray()
      .map((r) => ({ id: r.id, name: r.name, scopes: JSON.parse(r.scopes), createdAt: r.created_at }));
  }

  /** Whether a token was there to delete. */
  delete(id: string): boolean {
    return this.sql.exec("DELETE FROM tokens WHERE id = ?", id).rowsWritten > 0;
  }

  record(id: string): TokenRecord | null {
    const row = this.sql
      .exec<{ salt: string; hash: string; scopes: string }>("SELECT salt, hash, scopes FROM tokens WHERE id = ?", id)
      .toArray()[0];
    return row ? { salt: row.salt, hash: row.hash, scopes: JSON.parse(row.scopes) } : null;
  }
}

function randomHex(byteCount: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(byteCount)));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The stored form of a token's secret; routers compute it to check a presented one. */
export async function saltedHash(salt: string, secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${secret}`));
  return hex(new Uint8Array(digest));
}
