// One HTTP call to the Edgelog API over fetch (no Node built-ins), turned into JSON
// or a typed error. Retries are the caller's business: only it knows whether a call
// may be repeated.

import { clientError, type EdgelogClientError, protocolError } from "./errors.js";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  url: string;
  token?: string | undefined;
  fetch: FetchFunction;
  requestTimeoutMs: number;
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export class Transport {
  private readonly base: string;

  constructor(private readonly options: TransportOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  /** `extraTimeMs` lengthens the timeout of a call that waits on purpose (a long-poll);
   * `signal` cancels it (the caller is stopping). */
  async request<T>(
    method: Method,
    path: string,
    body?: unknown,
    { extraTimeMs = 0, signal }: { extraTimeMs?: number; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const headers = this.headers({ accept: "application/json" });
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeoutMs = this.options.requestTimeoutMs + extraTimeMs;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(method, path, timeoutMs, error);
    }
    const parsed = parseJson(text);
    if (!response.ok) throw errorOf(response, parsed);
    if (text.length > 0 && parsed === undefined) {
      throw clientError("INVALID_RESPONSE", `${method} ${path}: HTTP ${response.status} with a body that is not JSON`);
    }
    return parsed as T;
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
    let response: Response;
    try {
      response = await this.options.fetch(`${this.base}${path}`, {
        method: "GET",
        headers: this.headers(headers),
        signal: AbortSignal.any([signal, headersDue.signal]),
      });
    } catch (error) {
      throw networkError("GET", path, timeoutMs, headersDue.signal.aborted ? headersDue.signal.reason : error);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw errorOf(response, parseJson(await response.text().catch(() => "")));
    if (!response.body) throw clientError("INVALID_RESPONSE", `GET ${path}: HTTP ${response.status} without a body`);
    return response.body;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return this.options.token ? { ...extra, authorization: `Bearer ${this.options.token}` } : { ...extra };
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
