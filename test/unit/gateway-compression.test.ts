// The gateway's decompressors against other implementations' compressors:
// @platformatic/kafka's codecs (its wasm snappy and LZ4 frame encoders), Node's gzip,
// and the xerial framing Java and librdkafka producers wrap snappy blocks in. kcat's
// zstd, lz4 and snappy batches are checked end to end (test/e2e/gateway-kcat.test.ts).
// Every codec stops at the inflated bound, bombs included.

import { gzipSync } from "node:zlib";
import { lz4Compress, snappyCompress } from "@platformatic/wasm-utils";
import { compress as lz4jsCompress } from "lz4js";
import { compress as snappyjsCompress } from "snappyjs";
import { describe, expect, it } from "vitest";
import { decompress } from "../../src/gateway/codec/compression.js";

const GZIP = 1;
const SNAPPY = 2;
const LZ4 = 3;
const ZSTD = 4;
const BOUND_BYTES = 1 << 20;
/** `head -c 16777216 /dev/zero | zstd -c --zstd=wlog=17 | base64`: a 128 KiB window, 16 MiB inflated. */
const ZSTD_BOMB =
  "KLUv/QQ4VAAAEAAAAQD7/znAAgIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEABMAAAIAAEA/P/kTggCABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAATAAACAABAPz/5E4IAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAEwAAAgAAQD8/+ROCAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEABMAAAIAAEA/P/kTggCABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAATAAACAABAPz/5E4IAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAEwAAAgAAQD8/+ROCAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEABMAAAIAAEA/P/kTggCABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAATAAACAABAPz/5E4IAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAEwAAAgAAQD8/+ROCAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEABMAAAIAAEA/P/kTggCABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAATAAACAABAPz/5E4IAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAEwAAAgAAQD8/+ROCAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEABMAAAIAAEA/P/kTggCABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAATAAACAABAPz/5E4IAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAEwAAAgAAQD8/+ROCAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAABAAAL2OJe";

/** Records-like bytes: compressible, but not one repeated byte. */
function sample(byteCount: number): Buffer {
  const bytes = Buffer.alloc(byteCount);
  for (let i = 0; i < byteCount; i++) bytes[i] = (i * 7 + (i >> 9)) & 0xff;
  return bytes;
}

/** Java's xerial SnappyOutputStream: magic, version 1, compatible 1, then sized blocks. */
function xerial(data: Buffer, blockBytes: number): Buffer {
  const parts = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += blockBytes) {
    const block = Buffer.from(snappyjsCompress(data.subarray(at, at + blockBytes)));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

async function inflated(codec: number, bytes: Uint8Array, maxBytes = BOUND_BYTES): Promise<Buffer> {
  const result = await decompress(codec, Buffer.from(bytes), maxBytes);
  if (!result.ok) throw new Error(result.message);
  return result.bytes;
}

describe("decompression", () => {
  const data = sample(300_000);

  it("snappy: @platformatic/kafka's blocks and xerial-framed ones", async () => {
    expect((await inflated(SNAPPY, snappyCompress(data))).equals(data)).toBe(true);
    expect((await inflated(SNAPPY, xerial(data, 32 * 1024))).equals(data)).toBe(true);
  });

  it("lz4: @platformatic/kafka's and lz4js' frames", async () => {
    expect((await inflated(LZ4, lz4Compress(data))).equals(data)).toBe(true);
    expect((await inflated(LZ4, lz4jsCompress(data))).equals(data)).toBe(true);
  });

  it("zstd: the reference zstd CLI's frame (2 MiB window, checksum)", async () => {
    // `printf 'edgelog zstd\n' | zstd -c | base64` (zstd 1.5.4).
    const frame = Buffer.from("KLUv/QRYaQAAZWRnZWxvZyB6c3RkChjOwus=", "base64");
    expect((await inflated(ZSTD, frame, 8 * BOUND_BYTES)).toString()).toBe("edgelog zstd\n");
  });

  it("stops every codec at the bound: a bomb is refused, not inflated past it", async () => {
    const bomb = Buffer.alloc(8 * BOUND_BYTES);
    const bombs: [number, Uint8Array][] = [
      [GZIP, gzipSync(bomb)],
      [SNAPPY, snappyCompress(bomb)],
      [SNAPPY, xerial(bomb, 64 * 1024)],
      [LZ4, lz4Compress(bomb)],
      [LZ4, lz4jsCompress(bomb)],
      [ZSTD, Buffer.from(ZSTD_BOMB, "base64")],
    ];
    for (const [codec, compressed] of bombs) {
      expect(compressed.length).toBeLessThan(BOUND_BYTES);
      expect(await decompress(codec, Buffer.from(compressed), BOUND_BYTES)).toMatchObject({
        ok: false,
        code: "CORRUPT_MESSAGE",
      });
    }
  });

  it("refuses an lz4 block whose sequences inflate past its frame's block size, before inflating it", async () => {
    // One literal, then a match of 15 + 255 * 300 bytes (76 KiB) in a frame of 64 KiB blocks.
    const block = Buffer.concat([Buffer.from([0x1f, 0x61, 0x01, 0x00]), Buffer.alloc(300, 0xff), Buffer.from([0x00])]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length);
    const frame = Buffer.concat([
      Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]),
      size,
      block,
      Buffer.alloc(4),
    ]);
    expect(await decompress(LZ4, frame, BOUND_BYTES)).toMatchObject({
      ok: false,
      code: "CORRUPT_MESSAGE",
      message: expect.stringMatching(/block inflates past 65536 bytes/),
    });
  });

  it("refuses a zstd frame whose window is over the bound before allocating it", async () => {
    // Magic, a descriptor without single segment, and a window descriptor of 2 GiB.
    const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x01, 0x00, 0x00]);
    expect(await decompress(ZSTD, header, BOUND_BYTES)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/window/),
    });
  });

  it("answers CORRUPT_MESSAGE for bytes that are no frame, and UNSUPPORTED for codec 5+", async () => {
    for (const codec of [GZIP, SNAPPY, LZ4, ZSTD]) {
      expect(await decompress(codec, Buffer.from("not compressed at all"), BOUND_BYTES)).toMatchObject({
        ok: false,
        code: "CORRUPT_MESSAGE",
      });
    }
    expect(await decompress(5, data, BOUND_BYTES)).toMatchObject({ ok: false, code: "UNSUPPORTED_COMPRESSION_TYPE" });
  });
});
