// A reader that goes away (`edgelog consume … | head -2`) closes stdout under us:
// Node then reports EPIPE as an error event, a stack trace if nobody listens. The
// command instead learns of it here and winds down quietly (leaving its group), and
// main exits with status 0, as a Unix filter does.

const closed = new AbortController();

/** Aborted once stdout's reader has gone. */
export const outputClosed: AbortSignal = closed.signal;

/** Thrown by out() once stdout is closed; main treats it as a normal end. */
export class OutputClosed extends Error {
  constructor() {
    super("stdout was closed");
    this.name = "OutputClosed";
  }
}

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  closed.abort();
});
