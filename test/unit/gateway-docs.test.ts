// The supported-API tables of README.md and docs/GATEWAY.md say exactly what the
// gateway's ApiVersions answer lists (src/gateway/apis/registry.ts).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_BY_KEY } from "../../src/gateway/apis/registry.js";

const ROOT = new URL("../../", import.meta.url);

/** The rows of the markdown table whose header line is `header`, as cells. */
function tableRows(file: string, header: string): string[][] {
  const lines = readFileSync(new URL(file, ROOT), "utf8").split("\n");
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`${file}: no table headed ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const served = [...API_BY_KEY.values()].map((api) => ({
  name: api.name,
  key: String(api.key),
  versions: `${api.minVersion}–${api.maxVersion}`,
  flexibleFrom: api.flexibleFrom > api.maxVersion ? "none" : String(api.flexibleFrom),
}));

describe("the gateway's documented APIs", () => {
  it("README's table lists every served API with its versions, and nothing else", () => {
    const rows = tableRows("README.md", "| API | key | versions | notes |");
    expect(rows.map(([name, key, versions]) => ({ name, key, versions }))).toEqual(
      served.map(({ name, key, versions }) => ({ name, key, versions })),
    );
  });

  it("docs/GATEWAY.md's table lists every served API, its versions and where flexible ones begin", () => {
    const rows = tableRows("docs/GATEWAY.md", "| API | key | versions | flexible from |");
    expect(rows.map(([name, key, versions, flexibleFrom]) => ({ name, key, versions, flexibleFrom }))).toEqual(served);
  });
});
