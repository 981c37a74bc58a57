// The console talks to its own Worker through the SDK, the same code users run. The
// token (when auth is on) lives in sessionStorage: gone when the tab closes.

import { type Admin, Edgelog, EdgelogClientError } from "../client/index.js";

const TOKEN_KEY = "edgelog.token";

export class Api {
  private edgelog: Edgelog;

  constructor(private readonly url: string) {
    this.edgelog = this.connect();
  }

  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  setToken(token: string | null): void {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    this.edgelog = this.connect();
  }

  get client(): Edgelog {
    return this.edgelog;
  }

  get admin(): Admin {
    return this.edgelog.admin();
  }

  /** The one public route: the cluster answers and tells its version. */
  async health(): Promise<{ status: string; version: string }> {
    const response = await fetch(`${this.url}/v1/health`, { signal: AbortSignal.timeout(10_000) });
    return (await response.json()) as { status: string; version: string };
  }

  private connect(): Edgelog {
    // One quick retry: a console shows an error at once rather than spin.
    return new Edgelog({ url: this.url, token: this.token ?? undefined, retry: { retries: 1 } });
  }
}

export function needsToken(error: unknown): boolean {
  return error instanceof EdgelogClientError && error.code === "SASL_AUTHENTICATION_FAILED";
}

/** An error as the console shows it in one line: "CODE: message". */
export function errorText(error: unknown): string {
  const { code, message } = describeError(error);
  return `${code}: ${message}`;
}

export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof EdgelogClientError) return { code: error.code, message: error.message };
  return { code: "ERROR", message: error instanceof Error ? error.message : String(error) };
}
