// esbuild options of the CLI bundle, shared by the repository's bin (build-cli.mjs)
// and the `edgelog` package (build-packages.mjs): one ES module with a shebang that
// plain Node >= 20 runs, its version baked in.

/** @param {{ root: string, version: string, outfile: string }} options */
export function cliBuildOptions({ root, version, outfile }) {
  return {
    entryPoints: [`${root}src/cli/main.ts`],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    define: { "process.env.EDGELOG_VERSION": JSON.stringify(version) },
    logLevel: "warning",
  };
}
