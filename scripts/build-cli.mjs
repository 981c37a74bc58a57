// Bundles the CLI (src/cli and the SDK it wraps) into one ES module that
// plain Node >= 20 runs without a TypeScript loader: dist/edgelog.mjs, the `edgelog`
// bin. `npm run build`; npm test and npm ci (prepare) run it.

import { chmod, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
const outfile = `${root}dist/edgelog.mjs`;

await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile,
  bundle: true,
  // commander and the rest stay in node_modules (dependencies): only our TypeScript is bundled.
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  define: { "process.env.EDGELOG_VERSION": JSON.stringify(version) },
  logLevel: "warning",
});
// Executable, so ./dist/edgelog.mjs runs by its shebang too.
await chmod(outfile, 0o755);
