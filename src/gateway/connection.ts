// One client connection: length-prefixed frames in, responses out in request order
// (the protocol requires it). At most maxInFlightPerConnection requests are handled
// at once; past that the socket stops being read until the oldest is answered. A frame
// over maxFrameBytes or one that does not parse closes the connection with a log line.

import type { Socket } from "node:net";
import type { RequestContext } from "./apis/api.js";
import { MalformedFrame } from "./codec/reader.js";
import { dispatch } from "./dispatch.js";
import { ConnectionSession } from "./session.js";

const SIZE_BYTES = 4;
/** api_key, api_version and correlation_id: no request header is shorter. */
const MIN_FRAME_BYTES = 8;

export type ConnectionContext = Omit<RequestContext, "version" | "flexible" | "session">;

export class Connection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly inFlight: Promise<Buffer[] | null>[] = [];
  private writing = false;
  private closed = false;
  private readonly session = new ConnectionSession();

  constructor(
    private readonly socket: Socket,
    private readonly context: ConnectionContext,
    private readonly log: (line: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(context.limits.idleTimeoutMs, () => {
      // Quiet with nothing in flight, or with answers the client does not read.
      if (this.inFlight.length === 0) this.close(`idle for ${context.limits.idleTimeoutMs} ms`);
      else if (socket.writableLength > 0) this.close(`no answer read for ${context.limits.idleTimeoutMs} ms`);
    });
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => this.close(null));
    socket.on("close", () => {
      this.closed = true;
    });
  }

  private receive(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.drainFrames();
  }

  private drainFrames(): void {
    const { maxFrameBytes, maxInFlightPerConnection } = this.context.limits;
    while (!this.closed && this.pendingBytes >= SIZE_BYTES) {
      if (this.inFlight.length >= maxInFlightPerConnection) {
        this.socket.pause();
        return;
      }
      const size = this.nextFrameSize();
      if (size < MIN_FRAME_BYTES || size > maxFrameBytes) {
        this.close(`frame of ${size} bytes (allowed ${MIN_FRAME_BYTES}..${maxFrameBytes})`);
        return;
      }
      // Joined only once whole: a large frame arrives in many chunks, so read on (a
      // socket paused at the in-flight bound must resume for the rest of this frame).
      if (this.pendingBytes < SIZE_BYTES + size) break;
      const buffered = this.joined();
      const frame = buffered.subarray(SIZE_BYTES, SIZE_BYTES + size);
      this.pending = buffered.length > SIZE_BYTES + size ? [buffered.subarray(SIZE_BYTES + size)] : [];
      this.pendingBytes = buffered.length - SIZE_BYTES - size;
      this.inFlight.push(this.handle(frame));
      void this.flush();
    }
    if (!this.closed) this.socket.resume();
  }

  /** The size field of the next frame, whose first four bytes are in. */
  private nextFrameSize(): number {
    const first = this.pending[0] as Buffer;
    return first.length >= SIZE_BYTES ? first.readInt32BE(0) : this.joined().readInt32BE(0);
  }

  private joined(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0] as Buffer;
  }

  private async handle(frame: Buffer): Promise<Buffer[] | null> {
    try {
      return await dispatch(frame, { ...this.context, session: this.session });
    } catch (error) {
      if (error instanceof MalformedFrame) this.close(`malformed request: ${error.message}`);
      else {
        console.error("gateway: request failed", error);
        this.close("internal error");
      }
      return null;
    }
  }

  /** Writes answers strictly in request order, one awaited at a time. A request leaves
   * the in-flight count only once its answer is handed to the kernel, so a client that
   * does not read its answers stops being read (bounded memory) until the idle timeout. */
  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.inFlight.length > 0 && !this.closed) {
        const response = await (this.inFlight[0] as Promise<Buffer[] | null>);
        if (response !== null && !this.closed && !this.send(response)) await this.drained();
        this.inFlight.shift();
        this.drainFrames();
      }
    } finally {
      this.writing = false;
    }
  }

  /** Hands a response's chunks to the kernel together; false when it must drain first. */
  private send(chunks: Buffer[]): boolean {
    this.socket.cork();
    let room = true;
    for (const chunk of chunks) room = this.socket.write(chunk);
    this.socket.uncork();
    return room;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  close(reason: string | null): void {
    if (this.closed) return;
    this.closed = true;
    if (reason !== null) this.log(`gateway: closing ${this.socket.remoteAddress}:${this.socket.remotePort}: ${reason}`);
    this.socket.destroy();
  }
}
