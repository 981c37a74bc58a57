// The SDK's wire form of messages: JSON values as JSON, bytes as base64 (a whole
// batch at a time), and back again on fetch.

import { describe, expect, it } from "vitest";
import { EdgelogProtocolError, protocolError } from "../../src/client/errors.js";
import { encodingOf, fromWire, messageSizeBytes, toWire } from "../../src/client/messages.js";

describe("messages on the wire", () => {
  it("sends JSON as JSON and bytes as base64, and reads both back", () => {
    expect(encodingOf({ key: "k", value: { a: 1 } })).toBe("json");
    expect(toWire({ key: "k", value: { a: 1 }, headers: { h: "v" }, timestamp: 5 }, "json")).toEqual({
      key: "k",
      value: { a: 1 },
      headers: { h: "v" },
      timestamp: 5,
    });
    const bytes = new Uint8Array([0, 255, 7]);
    expect(encodingOf({ value: bytes })).toBe("base64");
    // In a base64 batch a string key is its UTF-8 and a JSON value its JSON text.
    expect(toWire({ key: "é", value: bytes }, "base64")).toEqual({ key: "w6k=", value: "AP8H" });
    expect(toWire({ key: null, value: { a: 1 } }, "base64")).toEqual({ key: null, value: "eyJhIjoxfQ==" });
    expect(toWire({ value: null }, "json")).toEqual({ key: null, value: null });

    const read = fromWire("t", 2, {
      offset: 9,
      timestamp: 1,
      key: "w6k=",
      value: "AP8H",
      headers: {},
      encoding: "base64",
    });
    expect(read).toEqual({
      topic: "t",
      partition: 2,
      offset: 9,
      timestamp: 1,
      key: utf8("é"),
      value: bytes,
      headers: {},
    });
    expect(fromWire("t", 0, { offset: 0, timestamp: 1, key: "k", value: "AP8H", headers: {} }).value).toBe("AP8H");
  });

  it("counts sizes as the server does, near enough to fill batches", () => {
    expect(messageSizeBytes({ key: null, value: { a: 1 } })).toBe(7);
    // As the server counts: a key's UTF-8 without quotes, a string value's JSON text with them.
    expect(messageSizeBytes({ key: "ab", value: "cd" })).toBe(2 + 4);
    expect(messageSizeBytes({ key: "é", value: null, headers: { k: "é" } })).toBe(2 + 1 + 2);
    expect(messageSizeBytes({ key: new Uint8Array(3), value: new Uint8Array(4), headers: { ab: "cd" } })).toBe(11);
  });

  it("reads server errors into typed errors, trusting the server's retriable", () => {
    const error = protocolError(416, {
      error: { code: "OFFSET_OUT_OF_RANGE", message: "m", retriable: false, logStartOffset: 3, highWatermark: 9 },
    });
    expect(error).toBeInstanceOf(EdgelogProtocolError);
    expect(error).toMatchObject({ code: "OFFSET_OUT_OF_RANGE", status: 416, retriable: false });
    expect(error.details).toEqual({ logStartOffset: 3, highWatermark: 9 });
    expect(protocolError(502, "<html>bad gateway</html>")).toMatchObject({ code: "INVALID_RESPONSE", retriable: true });
    expect(protocolError(404, null)).toMatchObject({ code: "INVALID_RESPONSE", retriable: false });
  });
});

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
