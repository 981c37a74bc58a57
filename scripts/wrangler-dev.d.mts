export interface Cluster {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

export interface StartOptions {
  port: number;
  persistTo: string;
  vars?: Record<string, string>;
  logLevel?: string;
  stdio?: "inherit" | "pipe";
}

export function freePort(): Promise<number>;
export function startWranglerDev(options: StartOptions): Promise<Cluster>;
