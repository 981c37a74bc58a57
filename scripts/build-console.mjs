// Builds the web console into dist/console: index.html and console.css as written,
// console.js bundled (the SDK included) and minified by esbuild. wrangler.toml serves
// the folder as the Worker's static assets; nothing is fetched from a CDN at run time.
// Prints the page weight.

import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = `${root}src/console/`;
const out = `${root}dist/console/`;

await mkdir(out, { recursive: true });
await build({
  entryPoints: [`${source}main.ts`],
  outfile: `${out}console.js`,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["chrome111", "firefox111", "safari16.4"],
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(`${source}index.html`, `${out}index.html`);
await copyFile(`${source}console.css`, `${out}console.css`);
await copyFile(`${source}_headers`, `${out}_headers`);

if (process.argv.includes("--report")) {
  let raw = 0;
  let gzipped = 0;
  for (const name of ["index.html", "console.css", "console.js"]) {
    raw += (await stat(`${out}${name}`)).size;
    gzipped += gzipSync(await readFile(`${out}${name}`)).length;
  }
  console.log(`console: ${(raw / 1024).toFixed(1)} KB in 3 files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
}
