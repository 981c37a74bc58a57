// One HTTP call to the Edgelog API over fetch (no Node built-ins), turned into JSON
// or a typed error. Retries are the caller's business: only it knows whether a call
// may be repeated.

import { linkedSignal } from "./abort.js";
import { clientError, type EdgelogClientError, protocolError } from "./errors.js";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  url: string;
  token?: string | undefined;
  fetch: FetchFunction;
  requestTimeoutMs: number;
  /** Sent with every call (the gateway's accept-encoding). */
  headers?: Record<string, string>;
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface CallOptions {
  extraTimeMs?: number;
  signal?: AbortSignal | undefined;
  /** The media type of a Uint8Array body. */
  contentType?: string;
}

const utf8 = new TextDecoder();

export class Transport {
  private readonly base: string;

  constructor(private readonly options: TransportOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  /** `extraTimeMs` lengthens the timeout of a call that waits on purpose (a long-poll);
   * `signal` cancels it (the caller is stopping). A Uint8Array body is sent as it is,
   * as `contentType` (a binary batch); any other body as JSON. */
  async request<T>(method: Method, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    const { response, bytes } = await this.call(method, path, body, "application/json", options);
    const text = utf8.decode(bytes);
    const parsed = parseJson(text);
    if (!response.ok) throw errorOf(response, parsed);
    if (text.length > 0 && parsed === undefined) {
      throw clientError("INVALID_RESPONSE", `${method} ${path}: HTTP ${response.status} with a body that is not JSON`);
    }
    return parsed as T;
  }

  /** A call whose answer is binary (`accept`, e.g. a fetch frame): its bytes. An error
   * answer is JSON, as from every route. */
  async requestBytes(
    method: Method,
    path: string,
    body: unknown,
    accept: string,
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    const { response, bytes } = await this.call(method, path, body, accept, options);
    if (!response.ok) throw errorOf(response, parseJson(utf8.decode(bytes)));
    const type = response.headers.get("content-type") ?? "";
    if (!type.startsWith(accept)) {
      throw clientError(
        "INVALID_RESPONSE",
        `${method} ${path}: HTTP ${response.status} answered ${type}, not ${accept}`,
      );
    }
    return bytes;
  }

  private async call(
    method: Method,
    path: string,
    body: unknown,
    accept: string,
    { extraTimeMs = 0, signal, contentType = "application/json" }: CallOptions,
  ): Promise<{ response: Response; bytes: Uint8Array }> {
    const headers = this.headers({ accept });
    if (body !== undefined) headers["content-type"] = contentType;
    const timeoutMs = this.options.requestTimeoutMs + extraTimeMs;
    const link = linkedSignal([signal], timeoutMs);
    try {
      const response = await link.settle(
        this.options.fetch(`${this.base}${path}`, {
          method,
          headers,
          body:
            body === undefined
              ? null
              : body instanceof Uint8Array
                ? (body as Uint8Array<ArrayBuffer>)
                : JSON.stringify(body),
          signal: link.signal,
        }),
      );
      return { response, bytes: new Uint8Array(await link.settle(response.arrayBuffer())) };
    } catch (error) {
      throw networkError(method, path, timeoutMs, error);
    } finally {
      link.release();
    }
  }

  /** Opens a GET whose answer streams (the live tail) and hands over its body once the
   * headers are in; requestTimeoutMs bounds only the wait for those headers. */
  async openStream(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const timeoutMs = this.options.requestTimeoutMs;
    const headersDue = new AbortController();
    const timer = setTimeout(() => headersDue.abort(new DOMException("no headers in time", "TimeoutError")), timeoutMs);
    // Linked for the stream's whole life: `signal` ends it, the timer only its start.
    const link = linkedSignal([signal, headersDue.signal]);
    let response: Response;
    try {
      response = await link.settle(
        this.options.fetch(`${this.base}${path}`, {
          method: "GET",
          headers: this.headers(headers),
          signal: link.signal,
        }),
      );
    } catch (error) {
      link.release();
      throw networkError("GET", path, timeoutMs, headersDue.signal.aborted ? headersDue.signal.reason : error);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw errorOf(response, parseJson(await response.text().catch(() => "")));
    if (!response.body) throw clientError("INVALID_RESPONSE", `GET ${path}: HTTP ${response.status} without a body`);
    return response.body;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const headers = { ...this.options.headers, ...extra };
    return this.options.token ? { ...headers, authorization: `Bearer ${this.options.token}` } : headers;
  }
}

function errorOf(response: Response, parsed: unknown): EdgelogClientError {
  const error = protocolError(response.status, parsed ?? null);
  const retryAfter = Number(response.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) error.details.retryAfterSeconds = retryAfter;
  return error;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkError(method: Method, path: string, timeoutMs: number, cause: unknown): EdgelogClientError {
  const name = (cause as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return clientError("REQUEST_TIMED_OUT", `${method} ${path}: no answer within ${timeoutMs} ms`, cause);
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return clientError("NETWORK_EXCEPTION", `${method} ${path}: ${reason}`, cause);
}

/** Path segment escaping for topic and group names (their charset needs none today,
 * but a caller's typo must not turn into another route). */
export function segment(name: string): string {
  return encodeURIComponent(name);
}
