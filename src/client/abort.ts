// One abort signal for a call, aborted by any of its sources or by its timeout. Not
// AbortSignal.any() nor AbortSignal.timeout(): Node 20 holds both weakly, and once
// nothing else holds them a garbage collection loses the abort (nodejs/node#57736), so
// a fetch waited past its timeout. Here the sources' listeners and the timer hold the
// controller until the call releases it. And an abort that comes after a response's
// headers may leave its body's read pending for good (Node 20's fetch does), so
// `settle` ends any wait on the abort itself.

export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Detaches from the sources and stops the timer: call it once the call is done. */
  release(): void;
  /** `promise`, or a rejection with the abort's reason as soon as the signal aborts. */
  settle<T>(promise: Promise<T>): Promise<T>;
}

export function linkedSignal(sources: readonly (AbortSignal | undefined)[], timeoutMs?: number): LinkedSignal {
  const controller = new AbortController();
  const attached: AbortSignal[] = [];
  const onAbort = (event: Event) => abort((event.target as AbortSignal).reason);
  const timer =
    timeoutMs === undefined
      ? null
      : setTimeout(() => abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  function release(): void {
    if (timer !== null) clearTimeout(timer);
    for (const source of attached.splice(0)) source.removeEventListener("abort", onAbort);
  }
  function abort(reason: unknown): void {
    release();
    controller.abort(reason);
  }
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      abort(source.reason);
      break;
    }
    source.addEventListener("abort", onAbort);
    attached.push(source);
  }
  const { signal } = controller;
  function settle<T>(promise: Promise<T>): Promise<T> {
    if (signal.aborted) {
      // The promise was made before this call (a body read started as the abort came):
      // its own rejection must not go unhandled.
      promise.catch(() => {});
      return Promise.reject(signal.reason);
    }
    let onAborted = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAborted = () => reject(signal.reason);
      signal.addEventListener("abort", onAborted, { once: true });
    });
    return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAborted));
  }
  return { signal, release, settle };
}
