// A user's fresh project outside the repository: the packages packed by `npm run pack`
// installed into it with `npm install --offline` (they have no dependencies outside
// themselves, so nothing comes from a registry), and the user's files of
// test/e2e/packages copied in.

import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Packed, pack } from "../../scripts/pack.mjs";

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FILES = join(ROOT, "test/e2e/packages");

export interface UserProject {
  dir: string;
  packed: Packed[];
  remove(): Promise<void>;
}

export async function userProject(): Promise<UserProject> {
  const packed = await pack();
  const dir = await mkdtemp(join(tmpdir(), "edgelog-user-"));
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "my-app", private: true, type: "module" }));
  await cp(FILES, dir, { recursive: true });
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", ...packed.map((p) => p.file)], {
    cwd: dir,
    timeout: 60_000,
  });
  return { dir, packed, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A file of the project with `from` replaced by `to` (each must occur). */
export async function rewrite(path: string, replacements: [string, string][]): Promise<void> {
  let text = await readFile(path, "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${path} has no ${from}`);
    text = text.replace(from, to);
  }
  await writeFile(path, text);
}

/** Runs a program that never ends by itself (a consumer) until its output (stdout and
 * stderr) contains `wanted`, then stops it with SIGTERM; returns the output. */
export async function runUntil(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
  wanted: RegExp,
): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env });
  let output = "";
  const seen = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${wanted} within ${options.timeoutMs} ms:\n${output}`)),
      options.timeoutMs,
    );
    const read = (chunk: Buffer) => {
      output += chunk;
      if (wanted.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${wanted}:\n${output}`));
    });
  });
  try {
    await seen;
  } finally {
    child.kill("SIGTERM");
  }
  return output;
}
