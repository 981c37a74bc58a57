// NATS JetStream peer: starts nats-server -js (Debian's) on 127.0.0.1 and talks the
// NATS core protocol (CONNECT/PUB/SUB/MSG) to it; JetStream's stream create and
// publish acknowledgements are request/reply on an inbox subscription.

import { connect } from "node:net";
import { startPeer } from "./peer-process.mjs";

const INBOX = "_INBOX.bench";

export class NatsClient {
  /** @param {number} port @returns {Promise<NatsClient>} */
  static async connect(port) {
    const socket = await new Promise((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port, noDelay: true });
      s.once("error", reject);
      s.once("connect", () => resolve(s));
    });
    const client = new NatsClient(socket);
    socket.write(`CONNECT {"verbose":false,"pedantic":false,"lang":"node","version":"0","protocol":1}\r\n`);
    socket.write(`SUB ${INBOX}.* 1\r\n`);
    await client.ping();
    return client;
  }

  /** @param {import("node:net").Socket} socket */
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.nextId = 0;
    /** @type {Map<string, (payload: Buffer) => void>} */
    this.waiting = new Map();
    /** @type {(() => void)[]} */
    this.pongs = [];
    /** @type {Error | null} */
    this.error = null;
    socket.on("data", (c) => this.onData(c));
    socket.on("error", (e) => {
      this.error = e;
    });
  }

  /** @param {Buffer} chunk */
  onData(chunk) {
    let buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf("\r\n", pos);
      if (nl < 0) break;
      const line = buf.toString("latin1", pos, nl);
      if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
        const parts = line.split(" ");
        const size = Number(parts.at(-1));
        if (buf.length < nl + 4 + size) break;
        const headerBytes = line.startsWith("HMSG ") ? Number(parts.at(-2)) : 0;
        const payload = buf.subarray(nl + 2 + headerBytes, nl + 2 + size);
        pos = nl + 4 + size;
        const done = this.waiting.get(parts[1]);
        if (done) {
          this.waiting.delete(parts[1]);
          done(Buffer.from(payload));
        }
        continue;
      }
      pos = nl + 2;
      if (line === "PING") this.socket.write("PONG\r\n");
      else if (line === "PONG") this.pongs.shift()?.();
      else if (line.startsWith("-ERR")) this.error = new Error(line);
    }
    buf = buf.subarray(pos);
    this.buf = buf;
  }

  ping() {
    return new Promise((resolve) => {
      this.pongs.push(() => resolve(undefined));
      this.socket.write("PING\r\n");
    });
  }

  /** Publishes with a reply inbox; resolves with the reply's payload.
   * @param {string} subject @param {Buffer} payload @returns {Promise<Buffer>} */
  request(subject, payload) {
    const inbox = `${INBOX}.${this.nextId++}`;
    const reply = new Promise((resolve) => this.waiting.set(inbox, resolve));
    this.socket.write(Buffer.concat([Buffer.from(`PUB ${subject} ${inbox} ${payload.length}\r\n`), payload, CRLF]));
    return /** @type {Promise<Buffer>} */ (reply);
  }

  close() {
    this.socket.destroy();
  }
}

const CRLF = Buffer.from("\r\n");

/**
 * Starts nats-server with JetStream, its store in `dir`; an error when it cannot.
 * @param {string} dir @returns {Promise<{ port: number, stop: () => Promise<void> } | { error: string }>}
 */
export async function startNats(dir) {
  return await startPeer(
    "nats-server",
    (port) => ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir],
    async (port) => (await NatsClient.connect(port)).close(),
  );
}

/** Creates a file-backed stream on `subject` (JetStream API over request/reply).
 * @param {NatsClient} client @param {string} stream @param {string} subject */
export async function createStream(client, stream, subject) {
  const config = { name: stream, subjects: [subject], storage: "file", retention: "limits", num_replicas: 1 };
  const reply = JSON.parse(
    (await client.request(`$JS.API.STREAM.CREATE.${stream}`, Buffer.from(JSON.stringify(config)))).toString(),
  );
  if (reply.error) throw new Error(`stream create: ${JSON.stringify(reply.error)}`);
}
