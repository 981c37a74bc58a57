// Keys, header names and header values are stored as UTF-8, which has no form for a
// lone surrogate (half of a UTF-16 pair without the other half): TextEncoder writes
// U+FFFD for one, so such text would be stored changed. It is refused instead, by the
// server and, with the same code and message, by the SDK before it sends.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_WELL_FORMED = "is not well-formed Unicode (it holds a lone surrogate, which UTF-8 cannot store)";

/** Whether `text` is well-formed Unicode: UTF-8 holds it unchanged. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why a record's text key or a header of it cannot be stored as given (`where` names
 * the record), or null when it can. */
export function illFormedText(
  key: unknown,
  headers: Readonly<Record<string, unknown>> | undefined,
  where: string,
): string | null {
  if (typeof key === "string" && !isWellFormed(key)) return `${where}.key ${NOT_WELL_FORMED}`;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isWellFormed(name) || (typeof value === "string" && !isWellFormed(value))) {
      return `${where}.headers: header ${JSON.stringify(name)} ${NOT_WELL_FORMED}`;
    }
  }
  return null;
}
