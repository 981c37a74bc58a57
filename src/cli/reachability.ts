// A following consumer outlives server restarts: it keeps retrying, and says once on
// stderr that it is waiting (and once that it is back) instead of going silent.

import type { FetchFunction } from "../client/index.js";
import { note } from "./context.js";

export function announcingFetch(url: string): FetchFunction {
  let waiting = false;
  return async (input, init) => {
    try {
      const response = await globalThis.fetch(input, init);
      if (waiting) note(`connected to ${url} again`);
      waiting = false;
      return response;
    } catch (error) {
      // A call we cancelled or that timed out says nothing about the server being up.
      if (!waiting && !init.signal?.aborted) note(`waiting for ${url} (NETWORK_EXCEPTION), retrying`);
      waiting ||= !init.signal?.aborted;
      throw error;
    }
  };
}
