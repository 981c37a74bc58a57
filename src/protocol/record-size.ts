/** Bytes, or anything whose length counts as its bytes (a Uint8Array). */
type Part = { readonly length: number } | null | undefined;

/** A record's size as the limits count it, on the server and in the SDK alike: the
 * stored bytes of its key (UTF-8, no quotes), of its value (the UTF-8 of its JSON text,
 * or its binary bytes) and of its header names and values. */
export function recordSizeBytes(record: { key: Part; value: Part; headers: Iterable<readonly [Part, Part]> }): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of record.headers) size += (name?.length ?? 0) + (value?.length ?? 0);
  return size;
}
