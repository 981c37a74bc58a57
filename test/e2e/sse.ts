// Server-Sent Events read over HTTP for the e2e tests: the live tail's record events.

import { request } from "undici";
import { expect } from "vitest";

export interface Event {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads SSE events until `count` record events arrived (bounded by timeoutMs). */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  count: number,
  onOpen: () => Promise<void>,
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const response = await request(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  expect(response.statusCode).toBe(200);
  expect(String(response.headers["content-type"])).toContain("text/event-stream");
  await onOpen();
  const events: Event[] = [];
  let buffer = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: Event = {};
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(": ");
          if (field === "id" || field === "event" || field === "data") event[field] = rest.join(": ");
        }
        if (event.event === "record") events.push(event);
        end = buffer.indexOf("\n\n");
      }
      if (events.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
