// Record compression of a RecordBatch (attributes & 0x07): gzip with node:zlib, snappy,
// lz4 and zstd with pure-JS decoders (bundled into the CLI). Every codec stops at
// maxBytes inflated, so a small bomb cannot fill the gateway's memory.

import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { unlz4 } from "./lz4.js";
import { unsnappy } from "./snappy.js";
import { unzstd } from "./zstd.js";

const gunzipAsync = promisify(gunzip);

const NONE = 0;
const GZIP = 1;

type Inflate = (bytes: Buffer, maxBytes: number) => Buffer;

/** The synchronous decoders by codec id; gzip runs on zlib's thread pool instead. */
const CODECS: ReadonlyMap<number, { name: string; inflate: Inflate }> = new Map([
  [2, { name: "snappy", inflate: unsnappy }],
  [3, { name: "lz4", inflate: unlz4 }],
  [4, { name: "zstd", inflate: unzstd }],
]);

export type Decompressed =
  | { ok: true; bytes: Buffer }
  | { ok: false; code: "UNSUPPORTED_COMPRESSION_TYPE" | "CORRUPT_MESSAGE"; message: string };

export async function decompress(codec: number, bytes: Buffer, maxBytes: number): Promise<Decompressed> {
  if (codec === NONE) return { ok: true, bytes };
  if (codec === GZIP) {
    try {
      return { ok: true, bytes: await gunzipAsync(bytes, { maxOutputLength: maxBytes }) };
    } catch (error) {
      return { ok: false, code: "CORRUPT_MESSAGE", message: `gzip: ${(error as Error).message}` };
    }
  }
  const known = CODECS.get(codec);
  if (!known) {
    return { ok: false, code: "UNSUPPORTED_COMPRESSION_TYPE", message: `compression codec ${codec} is not supported` };
  }
  try {
    return { ok: true, bytes: known.inflate(bytes, maxBytes) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      ok: false,
      code: "CORRUPT_MESSAGE",
      message: message.startsWith(known.name) ? message : `${known.name}: ${message}`,
    };
  }
}
