// JSON numbers kept as written. JSON.parse turns every number into a double, so
// 12345678901234567890, 1e400, -0 and 1.50 would come back from JSON.stringify as
// 12345678901234567000, null, 0 and 1.5. Where the runtime has JSON.parse source text
// access and JSON.rawJSON (workerd, Node 21+, current browsers and Deno), such a number
// is kept as its source text, which JSON.stringify then writes unchanged.

import { invariant } from "../common/invariant.js";
import { EdgelogError, type ErrorCode } from "./errors.js";

interface RawJsonSupport {
  rawJSON(text: string): unknown;
}

type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

const withRaw = JSON as unknown as Partial<RawJsonSupport>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** Past 15 digits a double may not hold a number exactly, and at 1e21 and over JS
 * writes an exponent: a longer token is suspect. */
const MAX_PLAIN_TOKEN_CHARS = 15;

/** Whether JSON.parse then JSON.stringify might change a number of `text` (valid JSON);
 * false means they change none. Suspect: an exponent, a fraction ending in 0, -0, over
 * 15 characters, or below 1e-6 (where JS writes an exponent). One pass that skips
 * strings at native speed: it runs on every produce body. */
export function mayChangeNumbers(text: string): boolean {
  return findNumber(text, suspect) >= 0;
}

/** The first number of `text` (valid JSON) that JSON.parse then JSON.stringify would
 * write otherwise, or null. */
export function changedNumber(text: string): string | null {
  const at = findNumber(text, changes);
  return at < 0 ? null : text.slice(at, numberEnd(text, at));
}

/** How deeply arrays and objects nest in JSON text (valid JSON): 0 for a scalar. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) deepest = Math.max(deepest, ++depth);
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return deepest;
}

type NumberTest = (text: string, start: number, end: number) => boolean;

/** Where the first number token of JSON text that passes `test` starts, or -1. */
function findNumber(text: string, test: NumberTest): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const end = numberEnd(text, i);
      if (test(text, i, end)) return i;
      i = end - 1;
    }
  }
  return -1;
}

/** Where the string opened at `quote` closes (its closing quote), or the text's end. */
function stringEnd(text: string, quote: number): number {
  let at = text.indexOf('"', quote + 1);
  while (at > 0 && escaped(text, at)) at = text.indexOf('"', at + 1);
  return at < 0 ? text.length : at;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/** The end of the number token starting at `start`. */
function numberEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length && isNumberChar(text.charCodeAt(at))) at++;
  return at;
}

function isNumberChar(c: number): boolean {
  return (c >= ZERO && c <= NINE) || c === DOT || c === LOWER_E || c === UPPER_E || c === MINUS || c === PLUS;
}

const suspect: NumberTest = (text, start, end) => {
  if (end - start > MAX_PLAIN_TOKEN_CHARS) return true;
  const digits = text.charCodeAt(start) === MINUS ? start + 1 : start;
  if (digits > start && end - digits === 1 && text.charCodeAt(digits) === ZERO) return true;
  let fraction = false;
  for (let i = digits; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LOWER_E || c === UPPER_E) return true;
    if (c === DOT) fraction = true;
  }
  return (fraction && text.charCodeAt(end - 1) === ZERO) || text.startsWith("0.000000", digits);
};

const changes: NumberTest = (text, start, end) => {
  const token = text.slice(start, end);
  return String(Number(token)) !== token;
};

/** How deeply a text whose numbers are kept as written may nest: parseKeepingNumbers
 * walks it recursively, as deep as the stack allows (a few thousand levels), so a bound
 * well inside that. */
export const MAX_EXACT_NESTING = 1_000;

/** Refuses with `code` a text whose numbers are to be kept as written but which nests
 * deeper than MAX_EXACT_NESTING. */
export function checkExactNesting(text: string, code: ErrorCode): void {
  if (nestingDepth(text) <= MAX_EXACT_NESTING) return;
  throw new EdgelogError(
    code,
    `a body with a number to keep as written nests more than ${MAX_EXACT_NESTING} levels deep`,
  );
}

/** Whether parseKeepingNumbers can run here. */
export function keepsNumbers(): boolean {
  return typeof withRaw.rawJSON === "function" && sourceAccess();
}

/** JSON.parse(text), but a number that JSON.stringify would write otherwise is a
 * JSON.rawJSON of its source text. Only where keepsNumbers(). */
export function parseKeepingNumbers(text: string): unknown {
  invariant(keepsNumbers(), "JSON.parse source text access and JSON.rawJSON");
  const { rawJSON } = withRaw as RawJsonSupport;
  const revive: SourceReviver = (_key, value, context) => {
    if (typeof value !== "number") return value;
    const source = context?.source ?? String(value);
    return String(value) === source ? value : rawJSON(source);
  };
  return JSON.parse(text, revive as Parameters<typeof JSON.parse>[1]);
}

let hasSourceAccess: boolean | undefined;

function sourceAccess(): boolean {
  if (hasSourceAccess === undefined) {
    let seen: string | undefined;
    const probe: SourceReviver = (_key, value, context) => {
      seen ??= context?.source;
      return value;
    };
    JSON.parse("1.0", probe as Parameters<typeof JSON.parse>[1]);
    hasSourceAccess = seen === "1.0";
  }
  return hasSourceAccess;
}
