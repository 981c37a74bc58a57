// kafkajs' client config mapped to Edgelog's: the broker list gives the Worker's URL,
// SASL gives the bearer token, retry and requestTimeout keep their meaning. What has
// no HTTP counterpart is refused (other SASL mechanisms, a brokers function) or, for
// TLS options that fetch cannot take, logged.

import type { EdgelogConfig } from "../edgelog.js";
import type { RetryOptions as EdgelogRetryOptions } from "../retry.js";
import type { FetchFunction } from "../transport.js";
import { KafkaJSNonRetriableError } from "./errors.js";
import type { Logger, LogLevel, logCreator } from "./logger.js";

export interface RetryOptions {
  maxRetryTime?: number;
  initialRetryTime?: number;
  factor?: number;
  multiplier?: number;
  retries?: number;
}

export type SASLOptions =
  | { mechanism: "plain"; username?: string; password: string }
  | { mechanism: "oauthbearer"; oauthBearerProvider: () => Promise<{ value: string }> };

export interface KafkaConfig {
  /** Edgelog's URL (`https://edgelog.example.com`), or `host:port` (http, https with `ssl`). */
  brokers: string[];
  clientId?: string;
  /** true: `host:port` brokers use https. TLS options cannot be passed to fetch. */
  ssl?: boolean | object;
  /** plain: the password is the token; oauthbearer: the provider's value is. */
  sasl?: SASLOptions;
  /** An Edgelog token, instead of sasl. */
  token?: string;
  requestTimeout?: number;
  connectionTimeout?: number;
  retry?: RetryOptions;
  logLevel?: LogLevel;
  logCreator?: logCreator;
  /** Edgelog's own: the fetch to use, e.g. a service binding's in a Worker. */
  fetch?: FetchFunction;
}

export function edgelogConfig(config: KafkaConfig, logger: Logger): EdgelogConfig {
  const url = brokerUrl(config);
  if (typeof config.ssl === "object") {
    logger.warn("ssl options are not applied: requests use the runtime's fetch and its TLS", { url });
  }
  const baseFetch = config.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  const sasl = config.sasl;
  const edgelog: EdgelogConfig = { url, fetch: baseFetch, retry: retryOptions(config.retry ?? {}) };
  if (config.requestTimeout !== undefined) edgelog.requestTimeoutMs = config.requestTimeout;
  if (config.token !== undefined) edgelog.token = config.token;
  else if (sasl?.mechanism === "plain") edgelog.token = sasl.password;
  else if (sasl?.mechanism === "oauthbearer") edgelog.fetch = bearerFetch(sasl.oauthBearerProvider, baseFetch);
  else if (sasl !== undefined) {
    const mechanism = (sasl as { mechanism?: unknown }).mechanism;
    throw new KafkaJSNonRetriableError(
      `SASL mechanism ${String(mechanism)} is not supported by Edgelog: use plain (the password is the token), oauthbearer, or token`,
    );
  }
  return edgelog;
}

function brokerUrl(config: KafkaConfig): string {
  if (!Array.isArray(config.brokers)) {
    throw new KafkaJSNonRetriableError("brokers must be a list of URLs: Edgelog does not call a brokers function");
  }
  const first = config.brokers[0];
  if (typeof first !== "string" || first.length === 0) {
    throw new KafkaJSNonRetriableError("brokers must list Edgelog's URL, e.g. ['http://127.0.0.1:8787']");
  }
  if (/^https?:\/\//.test(first)) return first.replace(/\/+$/, "");
  return `${config.ssl ? "https" : "http"}://${first}`;
}

export function retryOptions(retry: RetryOptions): Partial<EdgelogRetryOptions> {
  const options: Partial<EdgelogRetryOptions> = {};
  if (retry.retries !== undefined) options.retries = retry.retries;
  if (retry.initialRetryTime !== undefined) options.initialRetryTimeMs = retry.initialRetryTime;
  if (retry.maxRetryTime !== undefined) options.maxRetryTimeMs = retry.maxRetryTime;
  if (retry.multiplier !== undefined) options.multiplier = retry.multiplier;
  if (retry.factor !== undefined) options.factor = retry.factor;
  return options;
}

/** Adds the provider's token to every request; the provider is asked once, and again
 * after it failed. */
function bearerFetch(provider: () => Promise<{ value: string }>, inner: FetchFunction): FetchFunction {
  let token: Promise<string> | null = null;
  return async (input, init) => {
    token ??= provider().then(({ value }) => value);
    let value: string;
    try {
      value = await token;
    } catch (error) {
      token = null;
      throw error;
    }
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${value}`);
    return await inner(input, { ...init, headers });
  };
}
