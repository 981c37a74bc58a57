// JSON numbers kept as written. JSON.parse turns every number into a double, so
// 12345678901234567890, 1e400, -0 and 1.50 would come back from JSON.stringify as
// 12345678901234567000, null, 0 and 1.5. Where the runtime has JSON.parse source text
// access and JSON.rawJSON (workerd, Node 21+, current browsers and Deno), such a number
// is kept as its source text, which JSON.stringify then writes unchanged.

interface RawJsonSupport {
  rawJSON(text: string): unknown;
}

type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

const withRaw = JSON as unknown as Partial<RawJsonSupport>;

/** A number token's end: what may follow it in JSON text. */
const END = String.raw`(?=[\s,\]}]|$)`;

/** Every number JSON.stringify would not write back as written matches: an exponent,
 * a fraction ending in 0, -0, 16 digits or more (past a double's 15 exact ones, or at
 * 1e21 and over, where JS writes an exponent) or below 1e-6 (ditto). It may also match
 * inside a string, which only costs the exact parse. */
const MAY_CHANGE = new RegExp(
  [
    String.raw`\d[eE][-+]?\d+${END}`,
    String.raw`\.\d*0${END}`,
    `-0${END}`,
    String.raw`(?<![\d.])\d(?:\.?\d){15,}${END}`,
    String.raw`0\.0{6}\d*${END}`,
  ].join("|"),
);

/** Whether JSON.parse then JSON.stringify might change a number of `text`; false means
 * it changes none. */
export function mayChangeNumbers(text: string): boolean {
  return MAY_CHANGE.test(text);
}

/** A string token or a number token of JSON text. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** The first number of `text` (valid JSON) that JSON.parse then JSON.stringify would
 * write otherwise, or null: exact, where mayChangeNumbers is a quick upper bound. */
export function changedNumber(text: string): string | null {
  for (const [token] of text.matchAll(TOKEN)) {
    if (token.charCodeAt(0) !== QUOTE && String(Number(token)) !== token) return token;
  }
  return null;
}

const QUOTE = 0x22;

/** Whether parseKeepingNumbers can run here. */
export function keepsNumbers(): boolean {
  return typeof withRaw.rawJSON === "function" && sourceAccess();
}

/** JSON.parse(text), but a number that JSON.stringify would write otherwise is a
 * JSON.rawJSON of its source text. Only where keepsNumbers(). */
export function parseKeepingNumbers(text: string): unknown {
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
