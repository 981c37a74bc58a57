// Stream-Cursor: the number of 20 s intervals since 2024-10-09T00:00:00Z, the protocol's
// defaults, so that CDN cache keys of live reads change as time passes. A cursor the
// client echoes that is not behind is answered with a larger one (1 to 3600 s of
// jitter), so that cursors never go backwards and no cached answer loops.

import type { Clock } from "../common/clock.js";

const INTERVAL_MS = 20_000;
const EPOCH_MS = Date.UTC(2024, 9, 9);
const MAX_JITTER_S = 3600;

export function nextCursor(clock: Clock, echoed: string | undefined, random: () => number = Math.random): string {
  const current = Math.floor((clock.now() - EPOCH_MS) / INTERVAL_MS);
  const client = echoed !== undefined && /^\d{1,15}$/.test(echoed) ? Number(echoed) : null;
  if (client === null || client < current) return String(current);
  const jitterS = 1 + Math.floor(random() * MAX_JITTER_S);
  return String(client + Math.max(1, Math.ceil((jitterS * 1000) / INTERVAL_MS)));
}
