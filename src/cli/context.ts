// What every command needs: the client built from the global options (--url or
// EDGELOG_URL, --token or EDGELOG_TOKEN), a transport for the routes the SDK has no
// call for (group-less fetch, tokens), and the output streams.

import type { Command } from "commander";
import { Edgelog } from "../client/index.js";
import { DEFAULT_RETRY, type RetryOptions, withRetry } from "../client/retry.js";
import { type FetchFunction, type Method, Transport } from "../client/transport.js";
import { OutputClosed, outputClosed } from "./output.js";

export interface GlobalOptions {
  url: string;
  token?: string;
}

/** Sent with heartbeats, so groups describe and the console tell CLI members apart. */
export const CLI_CLIENT_ID = "edgelog-cli";
const REQUEST_TIMEOUT_MS = 30_000;

export function clientOf(command: Command, fetch?: FetchFunction): Edgelog {
  const { url, token } = command.optsWithGlobals<GlobalOptions>();
  return new Edgelog({ url, token, fetch });
}

/** Raw API calls with the SDK's transport and retry rules. */
export class Api {
  readonly retry: RetryOptions = DEFAULT_RETRY;
  private readonly transport: Transport;

  constructor(command: Command, fetch?: FetchFunction) {
    const { url, token } = command.optsWithGlobals<GlobalOptions>();
    this.transport = new Transport({
      url,
      token,
      fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
  }

  /** One attempt; the caller decides about retries (a long-poll loop retries on its own). */
  async once<T>(method: Method, path: string, body: unknown, extraTimeMs = 0, signal?: AbortSignal): Promise<T> {
    return await this.transport.request<T>(method, path, body, { extraTimeMs, signal });
  }

  async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return await withRetry(this.retry, () => this.transport.request<T>(method, path, body));
  }
}

export function urlOf(command: Command): string {
  return command.optsWithGlobals<GlobalOptions>().url;
}

/** Writes to stdout, waiting when the pipe is full so large outputs stay bounded in
 * memory; throws OutputClosed once the reader has gone (`| head`). */
export async function out(text: string): Promise<void> {
  if (outputClosed.aborted) throw new OutputClosed();
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off("drain", done);
        outputClosed.removeEventListener("abort", done);
        resolve();
      };
      process.stdout.once("drain", done);
      outputClosed.addEventListener("abort", done, { once: true });
    });
  }
  if (outputClosed.aborted) throw new OutputClosed();
}

/** Progress and summaries go to stderr, so stdout stays data. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function integer(name: string) {
  return (value: string): number => {
    if (!/^\d{1,16}$/.test(value)) throw new Error(`${name} must be a non-negative integer, not "${value}"`);
    return Number(value);
  };
}
