// What every command needs: the client built from the global options (--url or
// EDGELOG_URL, --token or EDGELOG_TOKEN) and the output streams.

import type { Command } from "commander";
import { Edgelog } from "../client/index.js";

export interface GlobalOptions {
  url: string;
  token?: string;
}

export function clientOf(command: Command): Edgelog {
  const { url, token } = command.optsWithGlobals<GlobalOptions>();
  return new Edgelog({ url, token });
}

export function urlOf(command: Command): string {
  return command.optsWithGlobals<GlobalOptions>().url;
}

/** Writes to stdout, waiting when the pipe is full so large outputs stay bounded in memory. */
export async function out(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once("drain", resolve));
}

/** Progress and summaries go to stderr, so stdout stays data. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function integer(name: string) {
  return (value: string): number => {
    if (!/^\d{1,16}$/.test(value)) throw new Error(`${name} must be a non-negative integer, not "${value}"`);
    return Number(value);
  };
}
