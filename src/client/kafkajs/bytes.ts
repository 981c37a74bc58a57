// Message bytes as kafkajs hands them over: a Buffer in Node (and Bun); elsewhere a
// Uint8Array whose toString() decodes UTF-8 as Buffer's does, so `message.value
// .toString()` means the same in every runtime.

interface BufferClass {
  from(bytes: ArrayBuffer, byteOffset: number, length: number): Uint8Array;
}

const NodeBuffer = (globalThis as { Buffer?: BufferClass }).Buffer;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Bytes whose toString() is their UTF-8 text, outside Node. */
export class TextBytes extends Uint8Array {
  override toString(): string {
    return utf8Decoder.decode(this);
  }
}

/** Bytes of kafkajs' type for this runtime, sharing `bytes`' memory. */
export function asKafkaBytes(bytes: Uint8Array): Uint8Array {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
  return new TextBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

/** A string's UTF-8 bytes, a Buffer or Uint8Array as it is. */
export function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? utf8Encoder.encode(value) : value;
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
