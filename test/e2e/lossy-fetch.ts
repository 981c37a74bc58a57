// A fetch that loses answers: the request reaches the server and takes effect, then
// the caller sees a network error, as when a connection drops after the server
// appended. It counts what it did, so tests can tell the retries happened.

export interface LossyFetch {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  readonly lost: number;
  readonly calls: number;
}

/** Loses the answer of every `everyNth` request whose URL matches `matching`. */
export function lossyFetch(matching: RegExp, everyNth: number): LossyFetch {
  let calls = 0;
  let lost = 0;
  return {
    get lost() {
      return lost;
    },
    get calls() {
      return calls;
    },
    fetch: async (input, init) => {
      if (!matching.test(input)) return await fetch(input, init);
      calls++;
      const response = await fetch(input, init);
      if (calls % everyNth !== 0) return response;
      await response.arrayBuffer();
      lost++;
      throw new TypeError("fetch failed: connection reset after the request was sent");
    },
  };
}
