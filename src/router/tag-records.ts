// Records of many partitions in one flat list: each record object of a replica's JSON
// array text gets `"topic"` and `"partition"` spliced in front, without parsing the
// values (a JSON.parse round trip would round big integers). The scan tracks strings
// and nesting, so braces inside values are never mistaken for a record's start.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The elements of `records` (a JSON array text of objects), tagged, without the
 * enclosing brackets; "" for an empty array. */
export function tagRecords(records: string, topic: string, partition: number): string {
  const head = `{"topic":${JSON.stringify(topic)},"partition":${partition},`;
  let out = "";
  let from = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < records.length; i++) {
    const ch = records.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === BACKSLASH) escaped = true;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) {
      inString = true;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      if (depth === 1 && ch === OPEN_BRACE) {
        out += records.slice(from, i) + head;
        from = i + 1;
      }
      depth++;
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth--;
    }
  }
  out += records.slice(from);
  return out.trim().slice(1, -1);
}
