// Produce one record from the browser: key, value (JSON or text), headers, and a
// partition (or Kafka's partitioner on the key). Answers with where it landed.

import type { TopicDescription } from "../../client/index.js";
import { h } from "../dom.js";
import { cardForm, field, fieldValue, input, onSubmit, select, statusLine } from "../form.js";
import type { ViewContext } from "../view.js";

/** `onProduced` runs after each record lands (the page refreshes its offsets). */
export function produceForm(
  context: ViewContext,
  topic: TopicDescription,
  onProduced: () => Promise<void>,
): HTMLElement {
  const status = statusLine();
  const partitions: [string, string][] = [
    ["", "By key (Kafka's partitioner)"],
    ...topic.partitions.map((p): [string, string] => [String(p.partition), `Partition ${p.partition}`]),
  ];
  const form = cardForm("Produce a record", {
    fields: [
      field("Key", input({ name: "key", autocomplete: "off" }), "Empty: no key"),
      field("Partition", select("partition", partitions)),
      field(
        "Value is",
        select("format", [
          ["json", "JSON"],
          ["text", "Text"],
        ]),
      ),
      h(
        "div",
        { class: "field wide" },
        field("Value", h("textarea", { name: "value", rows: 4, spellcheck: false }, '{"hello": "world"}')),
      ),
      h(
        "div",
        { class: "field wide" },
        field("Headers", h("textarea", { name: "headers", rows: 2, spellcheck: false }), "One name: value per line"),
      ),
    ],
    actions: [h("button", { type: "submit" }, "Produce")],
    after: [status],
  });
  onSubmit(form, status, async (values) => {
    const partition = fieldValue(values, "partition");
    const producer = context.api.client.producer({ idempotent: false, lingerMs: 0 });
    try {
      const [landed] = await producer.send({
        topic: topic.name,
        messages: [
          {
            key: fieldValue(values, "key") || null,
            value: parseValue(fieldValue(values, "value"), fieldValue(values, "format")),
            headers: parseHeaders(fieldValue(values, "headers")),
            partition: partition === "" ? undefined : Number(partition),
          },
        ],
      });
      void onProduced();
      return `Produced to partition ${landed?.partition} at offset ${landed?.offset}.`;
    } finally {
      await producer.disconnect();
    }
  });
  return form;
}

function parseValue(text: string, format: string): unknown {
  if (format === "text") return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `the value is not JSON (${error instanceof Error ? error.message : error}); choose Text to send it as a string`,
    );
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`header line "${line}" is not name: value`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
