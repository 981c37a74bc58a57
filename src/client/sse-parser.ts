// Server-Sent Events, read incrementally (the WHATWG event-stream format): what an
// EventSource does, done by hand because EventSource cannot send an Authorization
// header. Chunks may split lines and even UTF-8 characters anywhere.

export interface ServerSentEvent {
  /** "message" unless the event named itself. */
  event: string;
  data: string;
  /** The event's id, or the last one seen before it (the spec's last event ID). */
  id: string | null;
}

/** Bounds what one unfinished event may hold, so a server that never ends a line
 * cannot grow the buffer without limit. */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

export class SseParser {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private event = "";
  private data: string[] = [];
  private lastEventId: string | null = null;

  /** Feeds one chunk; returns the events it completed, in order. */
  push(chunk: Uint8Array): ServerSentEvent[] {
    this.pending += this.decoder.decode(chunk, { stream: true });
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let end = this.lineEnd(start); end >= 0; end = this.lineEnd(start)) {
      const event = this.line(this.pending.slice(start, end));
      if (event) events.push(event);
      // A CR LF pair is one line ending.
      start = this.pending[end] === "\r" && this.pending[end + 1] === "\n" ? end + 2 : end + 1;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > MAX_PENDING_CHARS) throw new RangeError("an event-stream line exceeds 16 MiB");
    return events;
  }

  get lastId(): string | null {
    return this.lastEventId;
  }

  private lineEnd(from: number): number {
    for (let i = from; i < this.pending.length; i++) {
      const ch = this.pending[i];
      // A CR at the very end may be the first half of CR LF: wait for the next chunk.
      if (ch === "\n" || (ch === "\r" && i + 1 < this.pending.length)) return i;
    }
    return -1;
  }

  private line(text: string): ServerSentEvent | null {
    if (text === "") return this.dispatch();
    if (text.startsWith(":")) return null;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    return null;
  }

  private dispatch(): ServerSentEvent | null {
    const event = this.event || "message";
    const data = this.data;
    this.event = "";
    this.data = [];
    if (data.length === 0) return null;
    return { event, data: data.join("\n"), id: this.lastEventId };
  }
}
