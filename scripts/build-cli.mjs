// Bundles the CLI (src/cli and the SDK it wraps) into one ES module that
// plain Node >= 20 runs without a TypeScript loader: dist/edgelog.mjs, the `edgelog`
// bin. `npm run build`; npm test and npm ci (prepare) run it.

import { chmod, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cliBuildOptions } from "./cli-build-options.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
const outfile = `${root}dist/edgelog.mjs`;

await build({
  ...cliBuildOptions({ root, version, outfile }),
  // commander and the rest stay in node_modules (dependencies): only our TypeScript is bundled.
  packages: "external",
});
// Executable, so ./dist/edgelog.mjs runs by its shebang too.
await chmod(outfile, 0o755);
