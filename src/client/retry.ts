// Retries with exponential backoff and jitter, on retriable errors only, a bounded
// number of times (kafkajs' retry options, with units in the names).

import { isRetriableError } from "./errors.js";

export interface RetryOptions {
  /** Retries after the first attempt; 0 never retries. */
  retries: number;
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
  /** Growth of the backoff per retry. */
  multiplier: number;
  /** Jitter: each wait is randomized within ±factor of its nominal value. */
  factor: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 5,
  initialRetryTimeMs: 100,
  maxRetryTimeMs: 5_000,
  multiplier: 2,
  factor: 0.2,
};

const MAX_RETRIES = 100;

/** The wait before retry number `attempt` (0-based), jittered so that clients that
 * failed together do not come back together. */
export function backoffMs(options: RetryOptions, attempt: number, random = Math.random): number {
  const nominal = Math.min(options.maxRetryTimeMs, options.initialRetryTimeMs * options.multiplier ** attempt);
  const jitter = nominal * options.factor * (2 * random() - 1);
  return Math.max(0, Math.min(options.maxRetryTimeMs, Math.round(nominal + jitter)));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Waits for `promise`, at most `timeoutMs`; the timer goes with it, so a finished
 * wait never holds a process open. */
export async function waitAtMost(promise: Promise<unknown> | null, timeoutMs: number): Promise<void> {
  const cancel = new AbortController();
  try {
    await Promise.race([promise, sleep(timeoutMs, cancel.signal)]);
  } finally {
    cancel.abort();
  }
}

/** Runs `attempt` until it succeeds, fails with a non-retriable error, or has been
 * retried `options.retries` times; the last error is thrown. A server's Retry-After
 * (429) lengthens the wait, within maxRetryTimeMs. */
export async function withRetry<T>(
  options: RetryOptions,
  attempt: (attemptNumber: number) => Promise<T>,
  onRetry?: (error: unknown, attemptNumber: number) => void,
): Promise<T> {
  const retries = Math.min(options.retries, MAX_RETRIES);
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= retries || !isRetriableError(error)) throw error;
      onRetry?.(error, n);
      await sleep(Math.max(backoffMs(options, n), retryAfterMs(error, options.maxRetryTimeMs)));
    }
  }
}

function retryAfterMs(error: unknown, maxMs: number): number {
  const seconds = (error as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
  return typeof seconds === "number" ? Math.min(maxMs, seconds * 1000) : 0;
}
