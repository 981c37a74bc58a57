// Record compression of a RecordBatch (attributes & 0x07). gzip comes with node:zlib;
// snappy, lz4 and zstd would need packages and are refused with Kafka's error.

import { promisify } from "node:util";
import { gunzip } from "node:zlib";

const gunzipAsync = promisify(gunzip);

const GZIP = 1;

export type Decompressed =
  | { ok: true; bytes: Buffer }
  | { ok: false; code: "UNSUPPORTED_COMPRESSION_TYPE" | "CORRUPT_MESSAGE"; message: string };

/** `maxBytes` bounds the inflated size, so a small bomb cannot fill the gateway's memory. */
export async function decompress(codec: number, bytes: Buffer, maxBytes: number): Promise<Decompressed> {
  if (codec === 0) return { ok: true, bytes };
  if (codec !== GZIP) {
    return { ok: false, code: "UNSUPPORTED_COMPRESSION_TYPE", message: `compression codec ${codec} is not supported` };
  }
  try {
    return { ok: true, bytes: await gunzipAsync(bytes, { maxOutputLength: maxBytes }) };
  } catch (error) {
    return { ok: false, code: "CORRUPT_MESSAGE", message: `gzip: ${(error as Error).message}` };
  }
}
