// The load generator's HTTP side: undici.request over one keep-alive pool (global
// fetch caps near 3,000 requests/s on this machine and would be the bottleneck).

import { Agent, request } from "undici";

export const agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000 });

/**
 * One request; throws on a status ≥ 300. Returns the body text and the elapsed ms.
 * @param {"GET" | "POST"} method
 * @param {string} url
 * @param {string | Buffer} [body]
 * @returns {Promise<{ text: string, ms: number, status: number }>}
 */
export async function send(method, url, body, contentType = "application/json") {
  const started = performance.now();
  const response = await request(url, {
    method,
    dispatcher: agent,
    headers: body === undefined ? {} : { "content-type": contentType },
    body,
  });
  const text = await response.body.text();
  const ms = performance.now() - started;
  if (response.statusCode >= 300) throw new Error(`${method} ${url} → ${response.statusCode} ${text.slice(0, 300)}`);
  return { text, ms, status: response.statusCode };
}

/** @param {string} url @param {unknown} value */
export async function postJson(url, value) {
  return JSON.parse((await send("POST", url, JSON.stringify(value))).text);
}

/** @param {string} url */
export async function getJson(url) {
  return JSON.parse((await send("GET", url)).text);
}
