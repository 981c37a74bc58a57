// `npm run pack`: builds the packages and packs them into dist/packages/
// (edgelog-client-<version>.tgz, edgelog-<version>.tgz), printing each one's packed
// and unpacked size.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildPackages } from "./build-packages.mjs";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const destination = `${root}dist/packages`;

/** @returns {Promise<{ name: string, file: string, sizeBytes: number, unpackedSizeBytes: number, files: number }[]>} */
export async function pack() {
  const { client, cli } = await buildPackages();
  const packed = [];
  for (const dir of [client, cli]) {
    const { stdout } = await run("npm", ["pack", dir, "--pack-destination", destination, "--json", "--silent"], {
      cwd: root,
    });
    const [info] = JSON.parse(stdout);
    packed.push({
      name: info.name,
      file: `${destination}/${info.filename}`,
      sizeBytes: info.size,
      unpackedSizeBytes: info.unpackedSize,
      files: info.entryCount,
    });
  }
  return packed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const p of await pack()) {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${p.file}: ${kb(p.sizeBytes)} packed, ${kb(p.unpackedSizeBytes)} unpacked, ${p.files} files`);
  }
}
