// Redis Streams peer: starts redis-server (Debian's) on 127.0.0.1 with an append-only
// file and the given fsync policy, and talks RESP to it with a minimal pipelining
// client (XADD pipelined in batches, XREAD catch-up).

import { connect } from "node:net";
import { startPeer } from "./peer-process.mjs";

/** @typedef {null | number | string | Buffer | Error | RespValue[]} RespValue */

/** An incremental RESP2 reader: linear in the bytes received, whatever the reply size. */
export class RespReader {
  constructor() {
    this.buf = Buffer.alloc(0);
    /** @type {{ n: number, items: RespValue[] }[]} */
    this.stack = [];
    /** @type {(value: RespValue) => void} */
    this.onValue = () => {};
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    const buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf("\r\n", pos);
      if (nl < 0) break;
      const type = buf[pos];
      const line = buf.toString("latin1", pos + 1, nl);
      /** @type {RespValue} */
      let value;
      if (type === 0x24) {
        const len = Number(line);
        if (len < 0) {
          value = null;
          pos = nl + 2;
        } else {
          if (buf.length < nl + 4 + len) break;
          value = buf.subarray(nl + 2, nl + 2 + len);
          pos = nl + 4 + len;
        }
      } else if (type === 0x2a) {
        const n = Number(line);
        pos = nl + 2;
        if (n > 0) {
          this.stack.push({ n, items: [] });
          continue;
        }
        value = n < 0 ? null : [];
      } else {
        pos = nl + 2;
        value = type === 0x3a ? Number(line) : type === 0x2d ? new Error(line) : line;
      }
      for (;;) {
        const top = this.stack.at(-1);
        if (!top) {
          this.onValue(value);
          break;
        }
        top.items.push(value);
        if (top.items.length < top.n) break;
        this.stack.pop();
        value = top.items;
      }
    }
    this.buf = buf.subarray(pos);
  }
}

/** @param {(string | Buffer)[]} args */
export function encodeCommand(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

export class RedisClient {
  /** @param {number} port */
  static connect(port) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => resolve(new RedisClient(socket)));
    });
  }

  /** @param {import("node:net").Socket} socket */
  constructor(socket) {
    this.socket = socket;
    /** @type {{ resolve: (v: RespValue) => void, reject: (e: Error) => void }[]} */
    this.pending = [];
    this.reader = new RespReader();
    this.reader.onValue = (v) => {
      const p = this.pending.shift();
      if (!p) return;
      if (v instanceof Error) p.reject(v);
      else p.resolve(v);
    };
    socket.on("data", (c) => this.reader.push(c));
    socket.on("error", (e) => {
      for (const p of this.pending.splice(0)) p.reject(e);
    });
  }

  /** Sends the commands in one write and resolves with their replies in order.
   * @param {(string | Buffer)[][]} commands @returns {Promise<RespValue[]>} */
  pipeline(commands) {
    const replies = commands.map(
      () =>
        /** @type {Promise<RespValue>} */ (new Promise((resolve, reject) => this.pending.push({ resolve, reject }))),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  /** @param {(string | Buffer)[]} args */
  async command(...args) {
    return (await this.pipeline([args]))[0];
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * Starts redis-server with AOF on and `appendfsync` as given; null when it cannot.
 * @param {string} dir @param {"always" | "everysec"} fsync
 * @returns {Promise<{ port: number, pid: number, stop: () => Promise<void> } | { error: string }>}
 */
export async function startRedis(dir, fsync) {
  const args = (/** @type {number} */ port) => [
    ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
    ...["--appendonly", "yes", "--appendfsync", fsync, "--protected-mode", "no", "--daemonize", "no"],
  ];
  return await startPeer("redis-server", args, async (port) => {
    const c = /** @type {RedisClient} */ (await RedisClient.connect(port));
    await c.command("PING");
    c.close();
  });
}
