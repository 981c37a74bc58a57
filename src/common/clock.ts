/** Where time comes from: the system's in production, a fake one in tests. */
export interface Clock {
  now(): number;
}

/** A clock that can also call back later; returns the cancel of that call. */
export interface TimerClock extends Clock {
  setTimeout(callback: () => void, delayMs: number): () => void;
}

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};
