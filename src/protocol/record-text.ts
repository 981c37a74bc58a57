// Keys, header names and header values are stored as UTF-8, which has no form for a
// lone surrogate (half of a UTF-16 pair without the other half): TextEncoder writes
// U+FFFD for one, so such text would be stored changed. It is refused instead, by the
// server and, with the same code and message, by the SDK before it sends.

const NOT_WELL_FORMED = "is not well-formed Unicode (it holds a lone surrogate, which UTF-8 cannot store)";

/** ES2024's String.prototype.isWellFormed, which every runtime of the server and the
 * SDK has (workerd, Node 20, Deno, browsers since 2023); TypeScript's ES2023 lib lacks
 * its type. Native, and immediate for Latin-1 text, which cannot hold a surrogate. */
interface WellFormedString {
  isWellFormed(): boolean;
}

/** Whether `text` is well-formed Unicode: UTF-8 holds it unchanged. */
export function isWellFormed(text: string): boolean {
  return (text as unknown as WellFormedString).isWellFormed();
}

/** Why a record's text key or a header of it cannot be stored as given (`where` names
 * the record), or null when it can. */
export function illFormedText(
  key: unknown,
  headers: Readonly<Record<string, unknown>> | undefined,
  where: string,
): string | null {
  if (typeof key === "string" && !isWellFormed(key)) return `${where}.key ${NOT_WELL_FORMED}`;
  for (const name in headers) {
    const value = headers[name];
    if (!isWellFormed(name) || (typeof value === "string" && !isWellFormed(value))) {
      return `${where}.headers: header ${JSON.stringify(name)} ${NOT_WELL_FORMED}`;
    }
  }
  return null;
}
