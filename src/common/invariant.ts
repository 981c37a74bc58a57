/** Invariant violations are bugs, never user errors: they abort the call loudly so
 * that a write that would corrupt the log is never committed. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
