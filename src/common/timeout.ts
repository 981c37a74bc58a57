/** Runs `call` and rejects when it has not settled within `timeoutMs`: a call to another
 * object that hangs must not hang its caller. (A thunk, so that RPC stubs' union-typed
 * promises are awaited into one type.) */
export function withTimeout<T>(call: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const promise = call();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
