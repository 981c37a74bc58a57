// The Kafka gateway for e2e tests: started in this process on a free port in front of
// the run's wrangler dev, with its log lines kept so tests can check what it closed.

import { spawn } from "node:child_process";
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from "../../src/gateway/limits.js";
import { startGateway } from "../../src/gateway/server.js";
import { baseUrl } from "./http.js";

export interface TestGateway {
  port: number;
  broker: string;
  logs: string[];
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  limits?: Partial<GatewayLimits>;
  url?: string;
  sasl?: boolean;
  tls?: { cert: Buffer; key: Buffer };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const logs: string[] = [];
  const { limits = {} } = options;
  const gateway = await startGateway({
    listenHost: "127.0.0.1",
    listenPort: 0,
    url: options.url ?? baseUrl(),
    sasl: options.sasl,
    tls: options.tls,
    limits: { ...DEFAULT_GATEWAY_LIMITS, ...limits },
    log: (line) => logs.push(line),
  });
  return { port: gateway.port, broker: `127.0.0.1:${gateway.port}`, logs, close: gateway.close };
}

export interface KcatRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Debian's kcat (scripts/ensure-kcat.sh installs it), bounded by `timeoutMs`. An
 * abort stops it as Ctrl-C would (SIGTERM: a group member leaves and commits). */
export function kcat(args: string[], stdin = "", timeoutMs = 30_000, signal?: AbortSignal): Promise<KcatRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("kcat", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    signal?.addEventListener("abort", () => child.kill("SIGTERM"), { once: true });
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}
