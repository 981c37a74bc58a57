// Writes the two installable packages, versioned as the server:
//  - dist/packages/client: `@edgelog/client`, src/client (and the protocol/ files it
//    shares with the server) compiled by tsc to ES modules with .d.ts, plus one
//    CommonJS bundle of both entries for require() (one copy of the shared classes);
//    no dependencies.
//  - dist/packages/cli: `edgelog`, the CLI bundled with commander into one file that
//    imports @edgelog/client, its only dependency.
// `npm run pack` packs both into dist/packages/*.tgz.

import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { cliBuildOptions } from "./cli-build-options.mjs";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const TSC = `${root}node_modules/typescript/bin/tsc`;

/** One subpath export: ES module with its types, CommonJS with CommonJS types for
 * require() (TypeScript refuses ES module types to a CommonJS importer). */
function entry(name) {
  const esm = `./dist/client/${name}.js`;
  return {
    import: { types: `./dist/client/${name}.d.ts`, default: esm },
    require: { types: `./dist/cjs/types/client/${name}.d.ts`, default: `./dist/cjs/${name.replace("/index", "")}.cjs` },
    default: esm,
  };
}

/** The same declarations under dist/cjs/types, where a package.json says commonjs. */
async function commonJsDeclarations(dist) {
  for (const file of await readdir(dist, { recursive: true })) {
    if (!file.endsWith(".d.ts") || file.startsWith("cjs")) continue;
    await mkdir(dirname(join(dist, "cjs/types", file)), { recursive: true });
    await copyFile(join(dist, file), join(dist, "cjs/types", file));
  }
  await writeFile(join(dist, "cjs/package.json"), '{ "type": "commonjs" }\n');
}

/** tsc emits every module the types mention; a module imported for its types only
 * (the server's record format, limits) ships as .d.ts without its .js. */
async function dropTypeOnlyModules(dist, entries) {
  const reachable = new Set();
  const queue = entries.map((e) => join(dist, e));
  while (queue.length > 0) {
    const file = queue.pop();
    if (reachable.has(file)) continue;
    reachable.add(file);
    const text = await readFile(file, "utf8");
    for (const [, spec] of text.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g))
      queue.push(resolve(dirname(file), spec));
  }
  for (const file of await readdir(dist, { recursive: true })) {
    if (file.endsWith(".js") && !reachable.has(join(dist, file))) await rm(join(dist, file));
  }
}

async function buildClient(version, out) {
  await run(process.execPath, [TSC, "-p", `${root}tsconfig.client.json`], { cwd: root });
  await dropTypeOnlyModules(`${out}/dist`, ["client/index.js", "client/kafkajs/index.js"]);
  // One CommonJS bundle holds both entries, each a thin require() of its half: two
  // bundles would each carry their own copy of the shared classes, so an
  // EdgelogClientError from one entry would fail `instanceof` against the other's.
  await build({
    stdin: {
      contents: 'export * as index from "./index.ts";\nexport * as kafkajs from "./kafkajs/index.ts";\n',
      resolveDir: `${root}src/client`,
      loader: "ts",
    },
    outfile: `${out}/dist/cjs/client.cjs`,
    bundle: true,
    format: "cjs",
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
  });
  for (const name of ["index", "kafkajs"]) {
    await writeFile(
      `${out}/dist/cjs/${name}.cjs`,
      `"use strict";\nmodule.exports = require("./client.cjs").${name};\n`,
    );
  }
  await commonJsDeclarations(`${out}/dist`);
  await copyFile(`${root}src/client/README.md`, `${out}/README.md`);
  const manifest = {
    name: "@edgelog/client",
    version,
    description: "Edgelog's client: Kafka's producer, consumer and admin over HTTP, with a kafkajs-compatible API",
    type: "module",
    sideEffects: false,
    engines: { node: ">=20" },
    main: "./dist/cjs/index.cjs",
    types: "./dist/client/index.d.ts",
    exports: { ".": entry("index"), "./kafkajs": entry("kafkajs/index"), "./package.json": "./package.json" },
    files: ["dist", "README.md"],
    keywords: ["kafka", "kafkajs", "cloudflare", "workers", "durable-objects", "log", "streaming"],
  };
  await writeFile(`${out}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The CLI's imports of the SDK become imports of the installed @edgelog/client. */
const clientPackage = {
  name: "edgelog-client-package",
  setup(builder) {
    builder.onResolve({ filter: /\/client\/index\.js$/ }, () => ({ path: "@edgelog/client", external: true }));
  },
};

async function buildCli(version, out) {
  const outfile = `${out}/edgelog.mjs`;
  const options = cliBuildOptions({ root, version, outfile });
  await build({
    ...options,
    // commander is CommonJS: bundled into an ES module, its require() of Node's
    // built-ins needs one.
    banner: {
      js: `${options.banner.js}\nimport { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);`,
    },
    plugins: [clientPackage],
  });
  await chmod(outfile, 0o755);
  await copyFile(`${root}src/cli/README.md`, `${out}/README.md`);
  const manifest = {
    name: "edgelog",
    version,
    description: "The Edgelog command line: topics, produce, consume and groups against an Edgelog cluster",
    type: "module",
    engines: { node: ">=20" },
    bin: { edgelog: "edgelog.mjs" },
    files: ["edgelog.mjs", "README.md"],
    dependencies: { "@edgelog/client": version },
    keywords: ["kafka", "cli", "cloudflare", "edgelog"],
  };
  await writeFile(`${out}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Builds both package folders; returns their paths. */
export async function buildPackages() {
  const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
  const client = `${root}dist/packages/client`;
  const cli = `${root}dist/packages/cli`;
  for (const dir of [client, cli]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  await buildClient(version, client);
  await buildCli(version, cli);
  return { version, client, cli };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPackages();
