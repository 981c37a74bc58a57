// The platform floor (see wrangler.toml): POST /append?log=NAME&n=RECORDS stores the
// body as one SQLite row of one Durable Object; GET /read?log=NAME&offset=N&maxBytes=B
// returns whole rows from offset N as they were stored. Nothing is parsed or checked.

import { DurableObject } from "cloudflare:workers";

export class FloorLog extends DurableObject {
  /** @param {DurableObjectState} ctx @param {unknown} env */
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS log (base INTEGER PRIMARY KEY, n INTEGER NOT NULL, payload BLOB NOT NULL)",
    );
    this.next = Number(this.sql.exec("SELECT coalesce(max(base + n), 0) AS e FROM log").one().e);
  }

  /** @param {ArrayBuffer} payload @param {number} n */
  append(payload, n) {
    const base = this.next;
    this.sql.exec("INSERT INTO log (base, n, payload) VALUES (?, ?, ?)", base, n, payload);
    this.next += n;
    return base;
  }

  /** @param {number} offset @param {number} maxBytes */
  read(offset, maxBytes) {
    const rows = this.sql.exec("SELECT base, n, payload FROM log WHERE base >= ? ORDER BY base LIMIT 10000", offset);
    /** @type {ArrayBuffer[]} */
    const parts = [];
    let bytes = 0;
    let next = offset;
    for (const row of rows) {
      parts.push(/** @type {ArrayBuffer} */ (row.payload));
      bytes += /** @type {ArrayBuffer} */ (row.payload).byteLength;
      next = Number(row.base) + Number(row.n);
      if (bytes >= maxBytes) break;
    }
    return { next, parts };
  }
}

export default {
  /** @param {Request} request @param {{ FLOOR: DurableObjectNamespace<FloorLog> }} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/v1/health") return Response.json({ status: "ok" });
    const stub = env.FLOOR.get(env.FLOOR.idFromName(url.searchParams.get("log") ?? "0"));
    if (request.method === "POST" && url.pathname === "/append") {
      const base = await stub.append(await request.arrayBuffer(), Number(url.searchParams.get("n") ?? 1));
      return Response.json({ base });
    }
    if (request.method === "GET" && url.pathname === "/read") {
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const { next, parts } = await stub.read(offset, Number(url.searchParams.get("maxBytes") ?? 8_388_608));
      return new Response(new Blob(parts), { headers: { "x-next-offset": String(next) } });
    }
    return new Response("not found", { status: 404 });
  },
};
