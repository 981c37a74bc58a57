// The live message browser: one live tail (consumer.stream over Server-Sent Events)
// per chosen partition, from the latest, the earliest, an offset or a point in time.
// Newest first (by timestamp across partitions); each message opens to its key,
// headers and pretty-printed value.

import type { KafkaMessage, TopicDescription } from "../../client/index.js";
import { errorText } from "../api.js";
import { h, time } from "../dom.js";
import { cardForm, field, fieldValue, input, select } from "../form.js";
import type { ViewContext } from "../view.js";
import { insertNewestFirst } from "./message-order.js";

/** Messages kept on screen; older ones are dropped. */
const MAX_SHOWN = 500;
/** Browsers allow six HTTP/1.1 connections per host: leave room for the API calls. */
const MAX_STREAMS = 4;
const PREVIEW_CHARS = 120;
/** "Recent" starts this many records before each partition's highWatermark. */
const RECENT = 50;

/** The browser's streams stop when `signal` aborts (the page is left or redrawn). */
export function messageBrowser(context: ViewContext, topic: TopicDescription, signal: AbortSignal): HTMLElement {
  const partitions = topic.partitions.map((p) => p.partition);
  const choices: [string, string][] = partitions.map((p) => [String(p), `Partition ${p}`]);
  if (partitions.length > 1 && partitions.length <= MAX_STREAMS) choices.unshift(["all", "All partitions"]);
  const list = h("ol", { class: "messages", reversed: true, "aria-live": "polite", "aria-relevant": "additions" });
  const status = h("p", { class: "status", role: "status" }, "Stopped.");
  const stopButton = h("button", { type: "button", class: "quiet", disabled: true }, "Stop");
  let running: AbortController | null = null;
  const stop = (note: string) => {
    running?.abort();
    running = null;
    stopButton.disabled = true;
    status.textContent = note;
  };
  stopButton.addEventListener("click", () => stop("Stopped."));
  const filter = input({ type: "search", name: "filter", autocomplete: "off", spellcheck: false });
  const shown = (item: Element) => {
    const wanted = filter.value.trim().toLowerCase();
    (item as HTMLElement).hidden = wanted !== "" && !(item.textContent ?? "").toLowerCase().includes(wanted);
  };
  filter.addEventListener("input", () => {
    for (const item of list.children) shown(item);
  });
  const add = (message: KafkaMessage) => {
    const item = messageItem(message);
    shown(item);
    insertNewestFirst(list, item);
    while (list.childElementCount > MAX_SHOWN) list.lastElementChild?.remove();
  };
  signal.addEventListener("abort", () => running?.abort());
  const form = cardForm("Messages", {
    fields: [
      field("Partition", select("partition", choices, choices[0]?.[0])),
      field(
        "From",
        select("from", [
          ["recent", `The last ${RECENT} and new`],
          ["latest", "New messages only"],
          ["earliest", "The beginning"],
          ["offset", "Offset"],
          ["time", "Time"],
        ]),
      ),
      field("Offset", input({ name: "offset", type: "number", min: 0, value: 0 }), "With From: Offset"),
      field("Time", input({ name: "time", type: "datetime-local", step: 1 }), "With From: Time"),
    ],
    actions: [
      h("button", { type: "submit" }, "Start live view"),
      stopButton,
      h("button", { type: "button", class: "quiet", on: { click: () => list.replaceChildren() } }, "Clear"),
    ],
    after: [status, field("Filter", filter, "Shows only messages whose key, value or headers contain this"), list],
  });
  const start = async () => {
    if (signal.aborted) return;
    stop("Starting…");
    list.replaceChildren();
    const chosen = fieldValue(form, "partition");
    const streamed = chosen === "all" ? partitions : [Number(chosen)];
    const controller = new AbortController();
    running = controller;
    stopButton.disabled = false;
    const fail = (error: unknown) => {
      if (controller.signal.aborted) return;
      stop(`Stopped: ${errorText(error)}`);
    };
    try {
      const starts = await startsOf(context, form, topic.name, streamed);
      if (controller.signal.aborted) return;
      status.textContent = `Live: ${streamed.length === 1 ? `partition ${streamed[0]}` : "all partitions"}.`;
      streamed.forEach((partition, i) => {
        void follow(context, topic.name, partition, starts[i]!, controller.signal, add).catch(fail);
      });
    } catch (error) {
      fail(error);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void start();
  });
  void start();
  return form;
}

type Start = { fromOffset: number | "earliest" | "latest" } | { fromTimestamp: number };

/** Where each streamed partition starts, from the form's choice. */
async function startsOf(
  context: ViewContext,
  form: HTMLFormElement,
  topic: string,
  partitions: number[],
): Promise<Start[]> {
  const from = fieldValue(form, "from");
  if (from === "offset") {
    const offset = Number(fieldValue(form, "offset"));
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error("enter an offset of 0 or more");
    return partitions.map(() => ({ fromOffset: offset }));
  }
  if (from === "time") {
    const at = Date.parse(fieldValue(form, "time"));
    if (!Number.isFinite(at)) throw new Error("choose a time");
    return partitions.map(() => ({ fromTimestamp: at }));
  }
  if (from === "recent") {
    const now = await context.api.admin.describeTopic(topic);
    return partitions.map((partition) => {
      const p = now.partitions[partition];
      return {
        fromOffset: p && p.highWatermark >= 0 ? Math.max(p.logStartOffset, p.highWatermark - RECENT) : "latest",
      };
    });
  }
  return partitions.map(() => ({ fromOffset: from === "latest" ? "latest" : "earliest" }));
}

async function follow(
  context: ViewContext,
  topic: string,
  partition: number,
  start: Start,
  signal: AbortSignal,
  add: (message: KafkaMessage) => void,
): Promise<void> {
  const consumer = context.api.client.consumer({ groupId: "edgelog-console" });
  for await (const message of consumer.stream({ topic, partition, signal, ...start })) add(message);
}

function messageItem(message: KafkaMessage): HTMLElement {
  const value = display(message.value);
  const key = message.key === null ? "∅" : display(message.key);
  const headers = Object.entries(message.headers);
  return h(
    "li",
    {
      class: "message",
      "data-offset": message.offset,
      "data-partition": message.partition,
      "data-timestamp": message.timestamp,
    },
    h(
      "details",
      null,
      h(
        "summary",
        null,
        h("span", { class: "where" }, `p${message.partition} · #${message.offset}`),
        h("span", { class: "key" }, key.length > 40 ? `${key.slice(0, 40)}…` : key),
        h("span", { class: "preview" }, oneLine(value)),
      ),
      h(
        "dl",
        { class: "message-detail" },
        h("div", null, h("dt", null, "Timestamp"), h("dd", null, `${time(message.timestamp)} (${message.timestamp})`)),
        h("div", null, h("dt", null, "Key"), h("dd", null, h("code", null, key))),
        h(
          "div",
          null,
          h("dt", null, "Headers"),
          h(
            "dd",
            null,
            headers.length === 0
              ? "none"
              : h(
                  "ul",
                  null,
                  headers.map(([k, v]) => h("li", null, h("code", null, `${k}: ${v}`))),
                ),
          ),
        ),
        h("div", { class: "wide" }, h("dt", null, "Value"), h("dd", null, h("pre", null, value))),
      ),
    ),
  );
}

/** JSON pretty-printed; bytes as hex; a JSON string shown as its text. */
function display(value: unknown): string {
  if (value === null || value === undefined) return "null (tombstone)";
  if (value instanceof Uint8Array) return [...value].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  if (typeof value === "string") return pretty(value);
  return JSON.stringify(value, null, 2);
}

/** A string that holds JSON (a common way to produce it) is pretty-printed too. */
function pretty(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}
