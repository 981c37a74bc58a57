export interface Cluster {
  url: string;
  /** Its name in wrangler's local service registry, for service bindings. */
  name: string;
  stop(): Promise<void>;
  output(): string;
}

export interface StartOptions {
  /** Default: a free port (tried again on another if it is taken before wrangler binds it). */
  port?: number;
  persistTo: string;
  /** Default testWorkerName(persistTo); `npm start` passes "edgelog". */
  name?: string;
  /** Where wrangler runs (its wrangler.toml); default the repository. */
  cwd?: string;
  /** Polled until it answers 2xx; default /v1/health. */
  readyPath?: string;
  /** A loopback address; default 127.0.0.1. */
  ip?: string;
  /** "https" serves wrangler's self-signed certificate; default "http". */
  localProtocol?: "http" | "https";
  vars?: Record<string, string>;
  logLevel?: string;
  stdio?: "inherit" | "pipe";
}

export function freePort(): Promise<number>;
export function testWorkerName(persistTo: string): string;
export function startWranglerDev(options: StartOptions): Promise<Cluster>;
