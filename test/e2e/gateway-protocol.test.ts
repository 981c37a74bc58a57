// The gateway's framing and bounds over a raw socket: ApiVersions' answer to a version
// it does not know, an unknown API answered rather than dropped, responses in request
// order behind a long-poll, and the connection closed with a log line (and nothing
// appended) on an oversized or malformed frame, and when idle.

import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reader } from "../../src/gateway/codec/reader.js";
import { Writer } from "../../src/gateway/codec/writer.js";
import { startTestGateway, type TestGateway } from "./gateway.js";
import { createTopic, fetchRecords, uniqueTopic } from "./http.js";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ limits: { maxFrameBytes: 64 * 1024, idleTimeoutMs: 1_000 } });
});

afterAll(async () => {
  await gateway?.close();
});

/** A raw Kafka connection: frames out, frames in (size prefix stripped), or "closed". */
class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiting: (() => void) | null = null;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.waiting?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new RawClient(socket);
  }

  send(apiKey: number, apiVersion: number, correlationId: number, body: Writer = new Writer()): void {
    const payload = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString("raw", false);
    this.sendFrame(Buffer.concat([payload.bytesView(), body.bytesView()]));
  }

  sendFrame(frame: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    this.socket.write(Buffer.concat([size, frame]));
  }

  /** The next response, or "closed"; bounded by `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<Buffer | "closed"> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.closed) {
      if (Date.now() > deadline) throw new Error("no response in time");
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.frames.shift() ?? "closed";
  }

  end(): void {
    this.socket.destroy();
  }
}

function reader(frame: Buffer | "closed"): Reader {
  if (frame === "closed") throw new Error("connection closed");
  return new Reader(frame);
}

describe("gateway protocol handling", () => {
  it("answers ApiVersions v99 with UNSUPPORTED_VERSION and its list, and v3 (flexible) in full", async () => {
    const client = await RawClient.open(gateway.port);
    client.send(18, 99, 1);
    const old = reader(await client.next());
    expect([old.int32(), old.int16()]).toEqual([1, 35]);
    const keys = old.array(false, (r) => [r.int16(), r.int16(), r.int16()]);
    expect(keys).toContainEqual([18, 0, 3]);
    // v3 uses request header v2 (tagged fields) and compact strings.
    const header = new Writer().int16(18).int16(3).int32(2).nullableString("raw", false).endStruct(true);
    const body = new Writer().string("edgelog-test", true).string("1.0", true).endStruct(true);
    client.sendFrame(Buffer.concat([header.bytesView(), body.bytesView()]));
    const flexible = reader(await client.next());
    expect([flexible.int32(), flexible.int16()]).toEqual([2, 0]);
    const compact = flexible.array(true, (r) => {
      const entry = [r.int16(), r.int16(), r.int16()];
      r.skipTaggedFields();
      return entry;
    });
    expect(compact).toEqual(keys);
    client.end();
  });

  it("answers an API it does not serve with UNSUPPORTED_VERSION and keeps the connection", async () => {
    const client = await RawClient.open(gateway.port);
    client.send(60, 0, 7); // DescribeCluster
    const answer = reader(await client.next());
    expect([answer.int32(), answer.int16()]).toEqual([7, 35]);
    client.send(18, 0, 8);
    expect(reader(await client.next()).int32()).toBe(8);
    client.end();
  });

  it("answers in request order: an ApiVersions request queued behind a long-poll waits for it", async () => {
    const topic = uniqueTopic("gw-order");
    await createTopic(topic, 1);
    const client = await RawClient.open(gateway.port);
    const fetch = new Writer()
      .int32(-1)
      .int32(1_500)
      .int32(1)
      .int32(1 << 20)
      .int8(0);
    fetch.array([topic], false, (t, name) => {
      t.string(name, false).array([0], false, (p) =>
        p
          .int32(0)
          .int64(0)
          .int64(-1)
          .int32(1 << 20),
      );
    });
    const started = Date.now();
    client.send(1, 5, 100, fetch);
    client.send(18, 0, 101);
    const first = reader(await client.next());
    const waitedMs = Date.now() - started;
    const second = reader(await client.next());
    expect([first.int32(), second.int32()]).toEqual([100, 101]);
    expect(waitedMs).toBeGreaterThanOrEqual(1_000);
    client.end();
  });

  it("closes on a frame over maxFrameBytes and on a malformed Produce, appending nothing", async () => {
    const topic = uniqueTopic("gw-malformed");
    await createTopic(topic, 1);
    const big = await RawClient.open(gateway.port);
    big.sendFrame(Buffer.alloc(64 * 1024 + 1));
    expect(await big.next()).toBe("closed");
    expect(gateway.logs.some((line) => line.includes("frame of 65537 bytes"))).toBe(true);

    const produce = new Writer().nullableString(null, false).int16(-1).int32(1000);
    produce.array([topic], false, (t, name) => {
      t.string(name, false).array([0], false, (p) => p.int32(0).int32(500).raw(Buffer.alloc(20)));
    });
    const truncated = await RawClient.open(gateway.port);
    truncated.send(0, 7, 5, produce);
    expect(await truncated.next()).toBe("closed");
    expect(gateway.logs.some((line) => line.includes("malformed request"))).toBe(true);
    const stored = await fetchRecords(topic, 0, "offset=0");
    expect(stored.body).toMatchObject({ records: [], highWatermark: 0 });
  });

  it("closes a connection idle for idleTimeoutMs", async () => {
    const client = await RawClient.open(gateway.port);
    expect(await client.next(5_000)).toBe("closed");
    expect(gateway.logs.some((line) => line.includes("idle for 1000 ms"))).toBe(true);
  });
});
