// Types of the decompressors' packages, which ship none: only what the gateway calls.

declare module "snappyjs" {
  /** One raw snappy block; throws when its announced length is over maxLength, or on bad bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}

declare module "lz4js" {
  /** One LZ4 block into dst from dIndex; returns the index after its last byte, which
   * may pass dst's end (bytes past it are dropped). */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
  export function compress(src: Uint8Array): Uint8Array;
}
