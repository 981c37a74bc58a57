import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Three projects: unit (Node), do (Durable Objects in workerd through
// vitest-pool-workers) and e2e (a real `wrangler dev` driven over HTTP). Test timeouts
// are bounds for a loaded 2-core machine, not performance checks (the benchmark is).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node", testTimeout: 20_000 } },
      {
        plugins: [
          cloudflareTest({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            // Few long-poll slots, group members and kept compaction passes, so those
            // bounds are testable; short timeouts, so failures are found quickly;
            // liveness left to the tests.
            miniflare: {
              bindings: {
                EDGELOG_AUTH: "off",
                EDGELOG_LIMITS: JSON.stringify({
                  maxWaitersPerReplica: 4,
                  maxGroupMembers: 8,
                  ackTimeoutMs: 3_000,
                  peerTimeoutMs: 1_000,
                  catchUpIntervalMs: 100,
                  livenessIntervalMs: 60_000,
                  compactionPassesKept: 2,
                }),
              },
            },
          }),
        ],
        test: { name: "do", include: ["test/do/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
