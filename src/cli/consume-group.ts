// consume -g: the SDK's group consumer, committing as it goes; it leaves the group on
// Ctrl-C, at the highWatermark (without --follow), after -n records, and when stdout
// closes. Partitions with no committed offset start at the end, as Kafka's
// auto.offset.reset=latest, unless -o start. A group made by a run that read nothing
// is deleted again: leaving would have committed the end offsets, and a second try
// with -o start would then find them and read nothing either.

import { hasCode } from "../client/errors.js";
import type { Admin, Edgelog } from "../client/index.js";
import type { Sink } from "./consume.js";
import { CLI_CLIENT_ID, note } from "./context.js";
import type { StartOffset } from "./start-offset.js";

export interface GroupReading {
  start: StartOffset | undefined;
  follow: boolean;
  signal: AbortSignal;
}

export async function consumeInGroup(
  edgelog: Edgelog,
  groupId: string,
  topics: string[],
  { start, follow, signal }: GroupReading,
  sink: Sink,
): Promise<void> {
  if (start && start.kind !== "start" && start.kind !== "end") {
    throw new Error("with --group, --offset is start or end: where partitions with no committed offset begin");
  }
  const admin = edgelog.admin();
  // A topic that does not exist would leave the member with nothing to read, forever.
  await Promise.all(topics.map((topic) => admin.describeTopic(topic)));
  const fresh = !(await groupExists(admin, groupId));
  const fromBeginning = start?.kind === "start";
  const consumer = edgelog.consumer({ groupId, clientId: CLI_CLIENT_ID, maxWaitMs: follow ? 5_000 : 1_000 });
  await consumer.subscribe({ topics, fromBeginning });
  let delivered = 0;
  let failure: unknown = null;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= consumer.disconnect().finally(finish);
  };
  consumer.on("consumer.crash", ({ error }) => {
    failure = error;
    finish();
  });
  consumer.on("consumer.fetch", ({ caughtUp }) => {
    if (caughtUp && !follow) stop();
  });
  signal.addEventListener("abort", stop, { once: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const message of batch.messages) {
        if (stopping) return;
        const more = await sink(message);
        resolveOffset(message.offset);
        delivered++;
        if (!more) return stop();
      }
    },
  });
  await finished;
  if (stopping) await stopping;
  if (failure) throw failure;
  if (delivered === 0 && fresh && !fromBeginning && !follow) {
    // Someone else may have joined meanwhile: then the group stays, and so do its offsets.
    const deleted = await admin.deleteGroup(groupId).then(
      () => true,
      () => false,
    );
    if (deleted) note(`group ${groupId} starts at the end; use -o start`);
  }
}

async function groupExists(admin: Admin, groupId: string): Promise<boolean> {
  try {
    await admin.fetchOffsets(groupId);
    return true;
  } catch (error) {
    if (hasCode(error, "GROUP_ID_NOT_FOUND")) return false;
    throw error;
  }
}
