// How consume prints a record (-f/--format): json (one object per line, bytes as
// base64), the shortcuts value and kv, or an rpk-style template such as '%k %v\n'.

import type { KafkaMessage } from "../client/index.js";
import { encodeBase64 } from "../protocol/base64.js";

export type Renderer = (message: KafkaMessage) => string;

/** rpk's directives (%d is the timestamp in ms; kcat calls it %T, accepted too). */
const DIRECTIVES: Record<string, (m: KafkaMessage) => string> = {
  t: (m) => m.topic,
  k: (m) => keyText(m.key) ?? "",
  v: (m) => valueText(m.value),
  p: (m) => String(m.partition),
  o: (m) => String(m.offset),
  d: (m) => String(m.timestamp),
  T: (m) => String(m.timestamp),
  h: (m) => JSON.stringify(m.headers),
  "%": () => "%",
};
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\" };

export function rendererFor(format: string, keySeparator: string): Renderer {
  if (format === "json") return (m) => `${JSON.stringify({ ...m, key: keyText(m.key), value: binary(m.value) })}\n`;
  if (format === "value") return (m) => `${valueText(m.value)}\n`;
  if (format === "kv") return (m) => `${keyText(m.key) ?? ""}${keySeparator}${valueText(m.value)}\n`;
  if (!format.includes("%")) {
    throw new Error(`--format is json, value, kv or a template of ${directiveList()}, not "${format}"`);
  }
  return template(format);
}

/** Parsed once: literal text and directives, in order; a newline ends each record. */
function template(format: string): Renderer {
  const parts: ((m: KafkaMessage) => string)[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === "%" || (c === "\\" && next !== undefined && ESCAPES[next] !== undefined)) {
      const part = c === "%" ? (next === undefined ? undefined : DIRECTIVES[next]) : literal(ESCAPES[next!]!);
      if (!part) throw new Error(`--format: "%${next ?? ""}" is not one of ${directiveList()}`);
      parts.push(part);
      i++;
    } else {
      parts.push(literal(c));
    }
  }
  const ends = format.endsWith("\n") || format.endsWith("\\n");
  if (!ends) parts.push(literal("\n"));
  return (m) => parts.map((part) => part(m)).join("");
}

function literal(text: string): () => string {
  return () => text;
}

function directiveList(): string {
  return Object.keys(DIRECTIVES)
    .map((d) => `%${d}`)
    .join(" ");
}

/** Bytes as base64 in JSON output. */
function binary(value: unknown): unknown {
  return value instanceof Uint8Array ? encodeBase64(value) : value;
}

function keyText(key: string | Uint8Array | null): string | null {
  return key instanceof Uint8Array ? encodeBase64(key) : key;
}

function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(value);
}
